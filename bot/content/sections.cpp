// The body: `## Lesson:` and `## Question:` sections, code blocks and notes, and which line
// belongs to which part of a section.

#include <cctype>

#include "bot/content/course_parser.hpp"
#include "bot/core/text.hpp"

namespace mc::content::detail {

bool is_step_heading(std::string_view text) {
  return text.starts_with("##") && !text.starts_with("###");
}

void CourseParser::read_body(std::size_t i) {
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

void CourseParser::start_section(const Line& line) {
  section_ = Section{};
  Section& s = *section_;
  s.line = line.number;
  std::string_view rest = core::trim(line.text.substr(2), kBlanks);
  std::size_t word_end = 0;
  while (word_end < rest.size() && std::isalpha(static_cast<unsigned char>(rest[word_end])) != 0) {
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
                             ", as in " + ticked(std::string("## ") + std::string(name) + ": ..."));
    s.heading = std::string(rest);
  } else {
    s.heading = std::string(core::trim(rest.substr(1), kBlanks));
  }
}

void CourseParser::add_text(const Line& line) {
  if (!section_) return;
  Section& s = *section_;
  if (s.kind == Section::Kind::question && s.phase != Section::Phase::prompt) {
    report_stray(s, line);
    return;
  }
  s.body += line.raw;
  s.body += '\n';
}

void CourseParser::report_stray(Section& s, const Line& line) {
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

void CourseParser::add_line(const Line& line) {
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
    if (s.phase == Section::Phase::explanation) s.explanation.push_back(Line{line.number, {}, {}});
    if (s.phase == Section::Phase::prompt) add_text(line);
    return;
  }
  add_text(line);
}

void CourseParser::finish_section() {
  if (!section_) return;
  Section s = std::move(*section_);
  section_.reset();
  if (s.kind == Section::Kind::lesson) finish_lesson(s);
  if (s.kind == Section::Kind::question) finish_question(s);
}

}  // namespace mc::content::detail
