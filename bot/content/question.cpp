// A finished `## Question:` section -> core::Question: prompt, answer options, explanation.

#include "bot/content/course_parser.hpp"
#include "bot/core/text.hpp"

namespace mc::content::detail {

bool parse_option(std::string_view text, bool& correct, std::string_view& label) {
  if (text.size() < 2 || (text[0] != '-' && text[0] != '*') || text[1] != ' ') return false;
  std::string_view rest = core::trim(text.substr(2), kBlanks);
  std::size_t box = 0;
  if (rest.starts_with("[ ]")) {
    correct = false;
    box = 3;
  } else if (rest.starts_with("[x]") || rest.starts_with("[X]")) {
    correct = true;
    box = 3;
  } else if (rest.starts_with("[]")) {
    correct = false;
    box = 2;
  } else {
    return false;
  }
  label = core::trim(rest.substr(box), kBlanks);
  return true;
}

void CourseParser::finish_question(Section& s) {
  core::Question q;
  q.line = s.line;
  ++question_number_;
  q.id = s.id.empty() ? "q" + std::to_string(question_number_) : s.id;
  if (auto [it, inserted] = question_ids_.emplace(q.id, s.line); !inserted) {
    problem(s.line,
            "question id " + ticked(q.id) + " is already used by the question on line " +
                std::to_string(it->second) +
                (s.id.empty() ? " (questions without `{#id}` are numbered q1, q2, ...)" : ""));
  }
  if (s.heading.empty()) {
    problem(s.line, "the question has no text: write `## Question: <the question>`");
  }
  q.prompt = core::parse_markdown(s.heading + "\n\n" + s.body);
  check_message_length(s.line, q.prompt, "the question");

  read_options(s, q);

  std::string explanation;
  bool in_fence = false;
  int fence_line = 0;
  for (const Line& line : s.explanation) {
    if (line.text.starts_with(kFence)) {
      in_fence = !in_fence;
      fence_line = line.number;
    }
    explanation += line.raw;
    explanation += '\n';
  }
  if (in_fence) {
    problem(fence_line,
            "the code block that starts here is never closed: add a closing `>` line with ``` "
            "after it");
  }
  q.explanation = core::parse_markdown(explanation);
  if (q.explanation.empty()) {
    problem(s.line,
            "the question has no explanation: add `>` lines after the options that "
            "say why the right answer is right");
  }
  check_message_length(s.line, q.explanation, "the explanation");
  words_ += count_words(core::plain_text(q.prompt)) + count_words(core::plain_text(q.explanation));
  out_.course.steps.emplace_back(std::move(q));
}

void CourseParser::read_options(const Section& s, core::Question& q) {
  int correct_count = 0;
  std::map<std::string, int, std::less<>> labels;
  for (const Option& o : s.options) {
    std::size_t chars = core::utf8_length(o.text);
    if (o.text.empty()) {
      problem(o.line, "this answer option has no text");
    } else if (chars > kMaxOptionChars) {
      problem(o.line, "this answer option is " + std::to_string(chars) +
                          " characters long; buttons hold at most " +
                          std::to_string(kMaxOptionChars) +
                          ": shorten it, or move detail into the question");
    } else if (auto [it, inserted] = labels.emplace(o.text, o.line); !inserted) {
      problem(o.line, "the option " + ticked(excerpt(o.text)) + " is already given on line " +
                          std::to_string(it->second));
    }
    if (o.correct) {
      if (++correct_count == 2) {
        problem(o.line,
                "a second option is marked correct (`[x]`): a question has exactly "
                "one correct option");
      }
      if (correct_count == 1) q.correct = static_cast<int>(q.options.size());
    }
    q.options.push_back(o.text);
    words_ += count_words(o.text);
  }
  int n = static_cast<int>(s.options.size());
  if (n < kMinOptions || n > kMaxOptions) {
    problem(s.line, "the question has " + count_of(n, "answer option") + "; give " +
                        std::to_string(kMinOptions) + " to " + std::to_string(kMaxOptions) +
                        " lines like `- [ ] option`");
  }
  if (n > 0 && correct_count == 0) {
    problem(s.line, "no answer option is marked correct: mark the right one `- [x]`");
  }
}

}  // namespace mc::content::detail
