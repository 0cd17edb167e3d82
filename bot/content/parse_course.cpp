// Reads one course file: front matter, then `## Lesson:` / `## Question:` sections. Every rule
// an author can break is reported with its line; content/README.md is the author-facing
// description of the same rules, so keep the two in step.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>

#include "bot/content/loader.hpp"
#include "bot/content/parsed_file.hpp"
#include "bot/core/markup.hpp"
#include "bot/core/text.hpp"

namespace mc::content {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kFence = "```";
constexpr std::string_view kKnownKeys = "id, title, summary, minutes, pass_mark, requires";
constexpr double kWordsPerMinute = 180.0;
constexpr double kMinutesPerQuestion = 0.5;

/// What course lines are trimmed of: spaces and tabs only, so a stray carriage return or form
/// feed stays text that the checks see.
constexpr std::string_view kBlanks = " \t";

std::string ticked(std::string_view s) { return "`" + std::string(s) + "`"; }

/// Keeps messages readable when an author pasted a whole paragraph somewhere odd.
std::string excerpt(std::string_view s, std::size_t max_chars = 40) {
  if (core::utf8_length(s) <= max_chars) return std::string(s);
  return std::string(core::utf8_prefix(s, max_chars)) + "…";
}

std::string hex_byte(unsigned char c) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  return std::string("0x") + kDigits[c >> 4U] + kDigits[c & 0xFU];
}

struct Line {
  int number = 0;
  std::string_view raw;   ///< without the line break
  std::string_view text;  ///< trimmed
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t pos = 0;
  int number = 1;
  while (true) {
    std::size_t eol = text.find('\n', pos);
    bool last = eol == std::string_view::npos;
    std::string_view raw = text.substr(pos, last ? std::string_view::npos : eol - pos);
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    lines.push_back(Line{number++, raw, core::trim(raw, kBlanks)});
    if (last) break;
    pos = eol + 1;
  }
  if (!lines.empty() && lines.front().raw.starts_with(kBom)) {
    lines.front().raw.remove_prefix(kBom.size());
    lines.front().text = core::trim(lines.front().raw, kBlanks);
  }
  return lines;
}

bool is_step_heading(std::string_view text) {
  return text.starts_with("##") && !text.starts_with("###");
}

/// `- [ ] label`, `- [x] label` (also `*` bullets, `[X]` and `[]`).
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

std::size_t count_words(std::string_view s) {
  std::size_t words = 0;
  bool in_word = false;
  for (char c : s) {
    bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

struct Option {
  std::string text;
  bool correct = false;
  int line = 0;
};

/// A `##` section while it is being read.
struct Section {
  enum class Kind { lesson, question, unknown };
  enum class Phase { prompt, options, explanation };
  Kind kind = Kind::unknown;
  int line = 0;
  std::string heading;  ///< lesson title or question text
  std::string id;       ///< explicit question id, empty when none
  std::string body;     ///< lesson text, or the question text under its heading
  std::vector<Option> options;
  std::vector<Line> explanation;  ///< the text after `>`
  Phase phase = Phase::prompt;
  bool stray_reported = false;
};

class Parser {
 public:
  Parser(std::string_view text, std::string file) : text_(text) {
    out_.course.source = std::move(file);
  }

  detail::ParsedFile run() {
    check_utf8();
    std::size_t body_start = read_front_matter();
    read_body(body_start);
    finish_course();
    std::stable_sort(out_.problems.begin(), out_.problems.end(),
                     [](const Problem& a, const Problem& b) { return a.line < b.line; });
    return std::move(out_);
  }

 private:
  void problem(int line, std::string message) {
    out_.problems.push_back(Problem{out_.course.source, line, std::move(message)});
  }

  void check_utf8() {
    lines_ = split_lines(text_);
    int first_line = 0;
    int more = 0;
    for (const Line& line : lines_) {
      std::size_t at = core::invalid_utf8_at(line.raw);
      if (at == std::string_view::npos) continue;
      if (first_line == 0) {
        first_line = line.number;
        first_byte_ = static_cast<unsigned char>(line.raw[at]);
        first_column_ = core::utf8_length(line.raw.substr(0, at)) + 1;
      } else {
        ++more;
      }
    }
    if (first_line == 0) return;
    std::string message = "invalid UTF-8 (byte " + hex_byte(first_byte_) + " in column " +
                          std::to_string(first_column_) + ")";
    if (more > 0) message += " and on " + detail::count_of(more, "more line");
    message += ": save the file with UTF-8 encoding";
    problem(first_line, std::move(message));
  }

  // ---- front matter -------------------------------------------------------------------------

  /// Returns the index of the first body line.
  std::size_t read_front_matter() {
    std::size_t i = 0;
    while (i < lines_.size() && lines_[i].text.empty()) ++i;
    if (i == lines_.size() || lines_[i].text != "---") {
      int line = i == lines_.size() ? 1 : lines_[i].number;
      problem(line,
              "missing front matter: a course file starts with a `---` line, then `id:`, "
              "`title:` and `summary:` lines, then another `---` line");
      front_matter_missing_ = true;
      return i;
    }
    front_line_ = lines_[i].number;
    ++i;
    std::map<std::string, int> seen;
    for (; i < lines_.size(); ++i) {
      const Line& line = lines_[i];
      if (line.text == "---") {
        ++i;
        check_required(seen);
        return i;
      }
      if (is_step_heading(line.text)) break;  // the author forgot the closing `---`
      if (line.text.empty() || line.text.starts_with('#')) continue;
      read_key(line, seen);
    }
    problem(front_line_,
            "the front matter that starts here is never closed: add a `---` line after its "
            "`key: value` lines");
    check_required(seen);
    return i;
  }

  void read_key(const Line& line, std::map<std::string, int>& seen) {
    std::size_t colon = line.text.find(':');
    if (colon == std::string_view::npos) {
      problem(line.number,
              "expected `key: value` in the front matter, found " + ticked(excerpt(line.text)));
      return;
    }
    std::string key(core::trim(line.text.substr(0, colon), kBlanks));
    std::string_view value = core::trim(line.text.substr(colon + 1), kBlanks);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = core::trim(value.substr(1, value.size() - 2), kBlanks);
    }
    static const std::set<std::string, std::less<>> kKeys = {"id",      "title",     "summary",
                                                             "minutes", "pass_mark", "requires"};
    if (!kKeys.contains(key)) {
      problem(line.number, "unknown front-matter key " + ticked(excerpt(key)) +
                               " (known keys: " + std::string(kKnownKeys) + ")");
      return;
    }
    if (auto [it, inserted] = seen.emplace(key, line.number); !inserted) {
      problem(line.number,
              ticked(key) + " is given twice (first on line " + std::to_string(it->second) + ")");
      return;
    }
    core::Course& c = out_.course;
    if (key == "id") {
      out_.id_line = line.number;
      read_id(line.number, value);
    } else if (key == "title") {
      c.title = std::string(value);
      if (value.empty()) problem(line.number, "`title` is empty");
      std::size_t chars = core::utf8_length(value);
      if (chars > kMaxTitleChars) {
        problem(line.number, "the title is " + std::to_string(chars) +
                                 " characters long; keep it to " + std::to_string(kMaxTitleChars));
      }
    } else if (key == "summary") {
      c.summary = std::string(value);
      if (value.empty()) problem(line.number, "`summary` is empty");
    } else if (key == "minutes") {
      read_minutes(line.number, value);
    } else if (key == "pass_mark") {
      read_pass_mark(line.number, value);
    } else {
      out_.requires_line = line.number;
      read_requires(line.number, value);
    }
  }

  void check_required(const std::map<std::string, int>& seen) {
    for (std::string_view key : {"id", "title", "summary"}) {
      if (!seen.contains(std::string(key))) {
        problem(front_line_, "the front matter has no " + ticked(std::string(key) + ":") + " line");
      }
    }
  }

  void read_id(int line, std::string_view value) {
    out_.course.id = std::string(value);
    if (value.empty()) {
      problem(line, "`id` is empty");
      return;
    }
    if (!core::valid_course_id(value)) {
      problem(line, "course id " + ticked(excerpt(value)) +
                        " is not valid: use lowercase letters a-z, digits and '-' (not first), "
                        "at most 40 characters");
      return;
    }
    out_.has_id = true;
    std::filesystem::path path(out_.course.source);
    if (path.extension() == ".md" && path.stem().string() != value) {
      problem(line, "course id " + ticked(value) + " does not match the file name " +
                        ticked(path.filename().string()) + ": name the file " +
                        ticked(std::string(value) + ".md") + " or change the id");
    }
  }

  static std::optional<int> whole_number(std::string_view value) {
    int n = 0;
    if (value.empty() || value.size() > 6) return std::nullopt;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc{} || end != value.data() + value.size()) return std::nullopt;
    return n;
  }

  void read_minutes(int line, std::string_view value) {
    std::optional<int> n = value.starts_with('-') ? std::nullopt : whole_number(value);
    if (!n || *n < 1 || *n > kMaxMinutes) {
      problem(line, "`minutes` must be a whole number from 1 to " + std::to_string(kMaxMinutes) +
                        ", like `minutes: 15`; found " + ticked(excerpt(value)));
      return;
    }
    out_.course.minutes = *n;
    minutes_given_ = true;
  }

  void read_pass_mark(int line, std::string_view value) {
    pass_mark_line_ = line;
    std::string_view digits = value;
    if (digits.ends_with('%')) digits = core::trim(digits.substr(0, digits.size() - 1), kBlanks);
    std::optional<int> n = digits.starts_with('-') ? std::nullopt : whole_number(digits);
    if (!n || *n > 100) {
      problem(line,
              "`pass_mark` must be a whole number from 0 to 100 (percent), like "
              "`pass_mark: 70`; found " +
                  ticked(excerpt(value)));
      return;
    }
    out_.course.pass_mark = *n;
  }

  void read_requires(int line, std::string_view value) {
    if (value.empty()) return;
    std::size_t pos = 0;
    while (pos <= value.size()) {
      std::size_t comma = value.find(',', pos);
      if (comma == std::string_view::npos) comma = value.size();
      std::string_view item = core::trim(value.substr(pos, comma - pos), kBlanks);
      pos = comma + 1;
      auto& list = out_.course.requires_courses;
      if (item.empty()) {
        problem(line, "`requires` has an empty item: separate course ids with single commas");
      } else if (!core::valid_course_id(item)) {
        problem(line, "`requires` lists " + ticked(excerpt(item)) +
                          ", which is not a valid course id (lowercase letters, digits, '-')");
      } else if (std::find(list.begin(), list.end(), item) != list.end()) {
        problem(line, "`requires` lists " + ticked(item) + " twice");
      } else {
        list.emplace_back(item);
      }
    }
  }

  // ---- body ---------------------------------------------------------------------------------

  void read_body(std::size_t i) {
    bool in_fence = false;
    int fence_line = 0;
    bool in_note = false;
    int note_line = 0;
    bool preamble_reported = front_matter_missing_;
    for (; i < lines_.size(); ++i) {
      const Line& line = lines_[i];
      if (in_note) {
        if (line.raw.find("-->") != std::string_view::npos) in_note = false;
        continue;
      }
      if (in_fence) {
        if (line.text.starts_with(kFence)) in_fence = false;
        add_text(line);
        continue;
      }
      if (line.text.starts_with("<!--")) {
        if (line.text.find("-->", 4) == std::string_view::npos) {
          in_note = true;
          note_line = line.number;
        }
        continue;
      }
      if (is_step_heading(line.text)) {
        finish_section();
        start_section(line);
        continue;
      }
      if (line.text.starts_with(kFence)) {
        in_fence = true;
        fence_line = line.number;
      }
      if (!section_) {
        if (!line.text.empty() && !preamble_reported) {
          problem(line.number,
                  "text before the first `## Lesson:` or `## Question:` heading would never be "
                  "shown: move it into a lesson, make it a note (`<!-- ... -->`) or delete it");
          preamble_reported = true;
        }
        continue;
      }
      add_line(line);
    }
    if (in_fence) {
      problem(fence_line,
              "the code block that starts here is never closed: add a line with ``` after it");
    }
    if (in_note) {
      problem(note_line, "the note that starts here with `<!--` is never closed with `-->`");
    }
    finish_section();
  }

  void start_section(const Line& line) {
    section_ = Section{};
    Section& s = *section_;
    s.line = line.number;
    std::string_view rest = core::trim(line.text.substr(2), kBlanks);
    std::size_t word_end = 0;
    while (word_end < rest.size() &&
           std::isalpha(static_cast<unsigned char>(rest[word_end])) != 0) {
      ++word_end;
    }
    std::string kind = core::lower(rest.substr(0, word_end));
    if (kind == "lesson") {
      s.kind = Section::Kind::lesson;
    } else if (kind == "question") {
      s.kind = Section::Kind::question;
    } else {
      problem(line.number, "unknown heading " + ticked(excerpt(line.text)) +
                               ": a course has only `## Lesson: <title>` and "
                               "`## Question: <question>` headings (use `###` for a heading "
                               "inside a lesson)");
      return;  // its content is skipped until the next `##` heading
    }
    std::string_view name = kind == "lesson" ? "Lesson" : "Question";
    rest = core::trim(rest.substr(word_end), kBlanks);
    if (rest.starts_with('{')) {
      std::size_t close = rest.find('}');
      if (close == std::string_view::npos || rest.substr(1).find('#') != 0) {
        problem(line.number,
                "a question id is written `{#some-id}` right after `Question`, "
                "as in `## Question {#sender-check}: ...`");
        if (close != std::string_view::npos) {
          rest = core::trim(rest.substr(close + 1), kBlanks);
        } else {
          std::size_t colon = rest.find(':');
          rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon);
        }
      } else {
        std::string_view id = core::trim(rest.substr(2, close - 2), kBlanks);
        rest = core::trim(rest.substr(close + 1), kBlanks);
        if (s.kind == Section::Kind::lesson) {
          problem(line.number, "only questions take an id; remove " +
                                   ticked(std::string("{#") + std::string(id) + "}"));
        } else if (!core::valid_course_id(id)) {
          problem(line.number, "question id " + ticked(excerpt(id)) +
                                   " is not valid: use lowercase letters a-z, digits and '-' "
                                   "(not first), at most 40 characters");
        } else {
          s.id = std::string(id);
        }
      }
    }
    if (!rest.starts_with(':')) {
      problem(line.number, "put a colon after " + ticked(std::string("## ") + std::string(name)) +
                               ", as in " +
                               ticked(std::string("## ") + std::string(name) + ": ..."));
      s.heading = std::string(rest);
    } else {
      s.heading = std::string(core::trim(rest.substr(1), kBlanks));
    }
  }

  /// A line that belongs to the current section's markdown (lesson body or question text).
  void add_text(const Line& line) {
    if (!section_) return;
    Section& s = *section_;
    if (s.kind == Section::Kind::question && s.phase != Section::Phase::prompt) {
      report_stray(s, line);
      return;
    }
    s.body += line.raw;
    s.body += '\n';
  }

  void report_stray(Section& s, const Line& line) {
    if (s.stray_reported || s.kind != Section::Kind::question) return;
    s.stray_reported = true;
    if (s.phase == Section::Phase::options) {
      problem(line.number,
              "after the answer options only more options (`- [ ]`, `- [x]`) or "
              "the explanation (`>` lines) may follow; put other text above the "
              "options");
    } else {
      problem(line.number,
              "text after the explanation: start every explanation line with `>`, "
              "or start a new `## Lesson:` for new material");
    }
  }

  void add_line(const Line& line) {
    Section& s = *section_;
    if (s.kind == Section::Kind::unknown) return;
    bool correct = false;
    std::string_view label;
    bool is_option = parse_option(line.text, correct, label);
    bool is_explanation = line.text.starts_with('>');

    if (s.kind == Section::Kind::lesson) {
      if (is_option) {
        problem(line.number,
                "answer options (`- [ ]`, `- [x]`) belong to a question: is a "
                "`## Question:` heading missing above them?");
      } else if (is_explanation) {
        problem(line.number,
                "`>` lines are the explanation of a question and cannot appear in "
                "a lesson: is a `## Question:` heading missing above it?");
      } else {
        add_text(line);
      }
      return;
    }

    if (is_option) {
      if (s.phase == Section::Phase::explanation) {
        problem(line.number, "answer options go before the explanation (`>` lines)");
        return;
      }
      s.phase = Section::Phase::options;
      s.options.push_back(Option{std::string(label), correct, line.number});
      return;
    }
    if (is_explanation) {
      if (s.phase == Section::Phase::prompt) {
        problem(line.number, "the explanation (`>` lines) goes after the answer options");
      } else {
        s.phase = Section::Phase::explanation;
      }
      std::string_view after = line.text.substr(1);
      if (after.starts_with(' ')) after.remove_prefix(1);
      s.explanation.push_back(Line{line.number, after, core::trim(after, kBlanks)});
      return;
    }
    if (line.text.empty()) {
      if (s.phase == Section::Phase::explanation)
        s.explanation.push_back(Line{line.number, {}, {}});
      if (s.phase == Section::Phase::prompt) add_text(line);
      return;
    }
    add_text(line);
  }

  void finish_section() {
    if (!section_) return;
    Section s = std::move(*section_);
    section_.reset();
    if (s.kind == Section::Kind::lesson) finish_lesson(s);
    if (s.kind == Section::Kind::question) finish_question(s);
  }

  void check_message_length(int line, const core::Doc& doc, std::string_view what) {
    std::size_t chars = core::visible_length(doc);
    if (chars > kMaxMessageChars) {
      problem(line, std::string(what) + " is " + std::to_string(chars) +
                        " characters long, but one message holds at most " +
                        std::to_string(kMaxMessageChars) + ": split it");
    }
  }

  void finish_lesson(Section& s) {
    core::Lesson lesson;
    lesson.line = s.line;
    lesson.title = s.heading;
    if (s.heading.empty()) {
      problem(s.line, "the lesson has no title: write `## Lesson: <title>`");
    }
    std::size_t title_chars = core::utf8_length(s.heading);
    if (title_chars > kMaxTitleChars) {
      problem(s.line, "the lesson title is " + std::to_string(title_chars) +
                          " characters long; keep it to " + std::to_string(kMaxTitleChars));
    }
    lesson.body = core::parse_markdown(s.body);
    if (lesson.body.empty()) {
      problem(s.line, "the lesson " + ticked(excerpt(s.heading)) +
                          " is empty: write its text below the heading");
    }
    check_message_length(s.line, lesson.body, "the lesson " + ticked(excerpt(s.heading)));
    words_ += count_words(core::plain_text(lesson.body));
    out_.course.steps.emplace_back(std::move(lesson));
  }

  void finish_question(Section& s) {
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
    words_ +=
        count_words(core::plain_text(q.prompt)) + count_words(core::plain_text(q.explanation));
    out_.course.steps.emplace_back(std::move(q));
  }

  void read_options(const Section& s, core::Question& q) {
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
      problem(s.line, "the question has " + detail::count_of(n, "answer option") + "; give " +
                          std::to_string(kMinOptions) + " to " + std::to_string(kMaxOptions) +
                          " lines like `- [ ] option`");
    }
    if (n > 0 && correct_count == 0) {
      problem(s.line, "no answer option is marked correct: mark the right one `- [x]`");
    }
  }

  void finish_course() {
    core::Course& c = out_.course;
    const auto& needs = c.requires_courses;
    if (out_.has_id && std::find(needs.begin(), needs.end(), c.id) != needs.end()) {
      problem(out_.requires_line,
              "the course requires itself: remove " + ticked(c.id) + " from `requires`");
    }
    int questions = c.question_count();
    if (c.steps.empty()) {
      if (!front_matter_missing_) {
        problem(front_line_,
                "the course has no lessons or questions: add a `## Lesson: <title>` "
                "section below the front matter");
      }
    } else if (questions == 0 && c.pass_mark > 0) {
      problem(pass_mark_line_ > 0 ? pass_mark_line_ : front_line_,
              "the course has no questions, so nobody could reach its pass mark of " +
                  std::to_string(c.pass_mark) + "%: add questions or set `pass_mark: 0`");
    }
    if (!minutes_given_) {
      double estimate =
          static_cast<double>(words_) / kWordsPerMinute + questions * kMinutesPerQuestion;
      c.minutes = std::max(1, static_cast<int>(std::ceil(estimate)));
    }
  }

  std::string_view text_;
  std::vector<Line> lines_;
  detail::ParsedFile out_;
  unsigned char first_byte_ = 0;
  std::size_t first_column_ = 0;
  bool front_matter_missing_ = false;
  int front_line_ = 1;
  int pass_mark_line_ = 0;
  bool minutes_given_ = false;
  std::optional<Section> section_;
  int question_number_ = 0;
  std::map<std::string, int> question_ids_;
  std::size_t words_ = 0;
};

}  // namespace

namespace detail {

ParsedFile parse_file(std::string_view text, std::string file) {
  return Parser(text, std::move(file)).run();
}

std::string count_of(int n, std::string_view singular) {
  return std::to_string(n) + " " + std::string(singular) + (n == 1 ? "" : "s");
}

}  // namespace detail

std::string format(const Problem& problem) {
  if (problem.line <= 0) return problem.file + ": " + problem.message;
  return problem.file + ":" + std::to_string(problem.line) + ": " + problem.message;
}

CourseFile parse_course(std::string_view text, std::string file) {
  detail::ParsedFile parsed = detail::parse_file(text, std::move(file));
  CourseFile result;
  if (parsed.problems.empty()) result.course = std::move(parsed.course);
  result.problems = std::move(parsed.problems);
  return result;
}

}  // namespace mc::content
