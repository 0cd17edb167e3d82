#pragma once

// Text layout shared by the platform renderers: a block of a core::Doc flattened to runs of
// visible text, ranges of that text by code point, and the cut of an over-long block into pieces
// under a platform's length limit. Pure; the platform supplies the measure (what its limit
// counts) and does its own escaping and markup.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/markup.hpp"
#include "bot/core/text.hpp"

namespace mc::core {

/// What a platform's length limit counts.
enum class Measure {
  code_points,  ///< Unicode code points (Telegram)
  utf16_units,  ///< UTF-16 code units: a code point above U+FFFF counts two (Slack)
};

/// The length of `s` in `measure`, stepping as utf8_sequence_length does (an invalid byte
/// counts one).
std::size_t measure(std::string_view s, Measure measure);

/// The longest prefix of `s` within `limit` in `measure`, cut between code points.
std::string_view prefix_within(std::string_view s, std::size_t limit, Measure measure);

/// `text` with &, < and > as the entities &amp; &lt; &gt;: the escaping Telegram's HTML and
/// Slack's mrkdwn share (each adds its own on top).
std::string escape_entities(std::string_view text);

/// A bullet or numbered item: consecutive items of one kind form a list.
bool is_list(Block::Kind kind);
/// Whether `block` continues the list of `previous` (null: nothing before), so the two are
/// separated by a line break rather than a blank line.
bool continues_list(const Block* previous, const Block& block);

/// [from, to) in code points of a block's visible text.
struct Range {
  std::size_t from = 0;
  std::size_t to = 0;

  friend bool operator==(const Range&, const Range&) = default;
};

struct FlattenOptions {
  /// A link whose text is blank shows its address (otherwise it is dropped when empty).
  bool show_bare_links = false;
};

/// A block flattened to styled runs of visible text: a list item's marker ("• ", "3. ") is the
/// first run, a code block's spans are plain, spans without text are left out.
struct Runs {
  Block::Kind kind = Block::Kind::paragraph;
  std::vector<Span> runs;
  std::vector<std::vector<std::size_t>> offsets;  ///< code_point_offsets of each run's text
  std::size_t length = 0;                         ///< visible code points of all runs
  std::size_t marker = 0;     ///< code points of the list marker (0: not a list item)
  bool blank = true;          ///< every run (the marker too) is blank
  bool content_blank = true;  ///< every run after the marker is blank

  /// Code points of run `i`.
  std::size_t length_of(std::size_t i) const { return offsets[i].size() - 1; }
};

Runs flatten(const Block& block, const FlattenOptions& options = {});

/// Calls `fn(run, text)` for each run overlapping `range`, in order, with the part of the run's
/// text inside it.
void for_each_slice(const Runs& runs, Range range,
                    const std::function<void(const Span& run, std::string_view text)>& fn);

/// The visible text of `range`, without markup.
std::string visible_text(const Runs& runs, Range range);

/// The whole visible text of the block.
inline Range whole(const Runs& runs) { return {0, runs.length}; }

/// What a piece costs against the limit as the platform counts it, e.g. its visible code points
/// or the UTF-16 units of its markup. Must not shrink as the range grows.
using RangeCost = std::function<std::size_t(Range)>;

/// The block's visible text in pieces, each costing at most `limit` where it can: a piece ends
/// at the last line break that keeps it within the limit, else the last space, else it is cut
/// hard between code points (a single code point that costs more stands alone). A list item is
/// never cut right after its marker. The whitespace after a cut is dropped, except in a code
/// block (its indentation); pieces that are nothing but whitespace are left out. An empty block
/// gives no pieces.
std::vector<Range> cut(const Runs& runs, std::size_t limit, const RangeCost& cost);

}  // namespace mc::core
