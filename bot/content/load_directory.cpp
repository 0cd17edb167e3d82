// Loads a directory of course files and runs the rules that need all of them: unique ids,
// known prerequisites, no prerequisite cycles. Also decides the catalogue order.

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>

#include "bot/content/loader.hpp"
#include "bot/content/parsed_file.hpp"
#include "bot/core/text.hpp"

namespace mc::content {
namespace {

namespace fs = std::filesystem;

bool is_course_file(const fs::path& path) {
  std::string name = path.filename().string();
  if (path.extension() != ".md" || name.starts_with('_') || name.starts_with('.')) return false;
  return !core::iequals(name, "readme.md");
}

/// Cross-course rules over files sorted by name. Graph nodes are file indices.
class Directory {
 public:
  explicit Directory(std::vector<detail::ParsedFile> files)
      : files_(std::move(files)), bad_(files_.size(), false) {
    for (std::size_t i = 0; i < files_.size(); ++i) bad_[i] = !files_[i].problems.empty();
  }

  void check(std::vector<Problem>& problems) {
    problems_ = &problems;
    index_ids();
    check_requires();
    check_cycles();
  }

  std::vector<core::Course> catalogue_order() {
    std::vector<core::Course> order;
    std::set<std::string, std::less<>> placed;
    std::vector<bool> done(files_.size(), false);
    // Repeatedly take the first file (by name) whose prerequisites are all placed: small n.
    for (bool progress = true; progress;) {
      progress = false;
      for (std::size_t i = 0; i < files_.size(); ++i) {
        if (done[i] || bad_[i]) continue;
        const auto& needs = files_[i].course.requires_courses;
        bool ready = std::all_of(needs.begin(), needs.end(),
                                 [&](const std::string& id) { return placed.contains(id); });
        if (!ready) continue;
        done[i] = true;
        placed.insert(files_[i].course.id);
        order.push_back(files_[i].course);
        progress = true;
        break;
      }
    }
    return order;
  }

  std::vector<detail::ParsedFile>& files() { return files_; }

 private:
  void problem(std::size_t i, int line, std::string message) {
    bad_[i] = true;
    problems_->push_back(Problem{files_[i].course.source, line, std::move(message)});
  }

  void index_ids() {
    for (std::size_t i = 0; i < files_.size(); ++i) {
      if (!files_[i].has_id) continue;
      auto [it, inserted] = by_id_.emplace(files_[i].course.id, i);
      if (!inserted) {
        problem(i, files_[i].id_line,
                "course id `" + files_[i].course.id + "` is already used by " +
                    files_[it->second].course.source);
      }
    }
  }

  void check_requires() {
    edges_.assign(files_.size(), {});
    for (std::size_t i = 0; i < files_.size(); ++i) {
      const detail::ParsedFile& f = files_[i];
      for (const std::string& id : f.course.requires_courses) {
        auto it = by_id_.find(id);
        if (id == f.course.id) {
          continue;  // reported by parse_file
        }
        if (it == by_id_.end()) {
          problem(i, f.requires_line,
                  "requires `" + id + "`, but no course in this directory has that id");
        } else {
          edges_[i].push_back(it->second);
          if (bad_[it->second]) bad_[i] = true;  // propagated fully by catalogue_order
        }
      }
    }
  }

  // Tarjan's strongly connected components; every component with two or more courses is a
  // cycle, reported once at the alphabetically first course in it.
  void check_cycles() {
    std::size_t n = files_.size();
    std::vector<int> index(n, -1);
    std::vector<int> low(n, 0);
    std::vector<bool> on_stack(n, false);
    std::vector<std::size_t> stack;
    int counter = 0;
    std::function<void(std::size_t)> visit = [&](std::size_t v) {
      index[v] = low[v] = counter++;
      stack.push_back(v);
      on_stack[v] = true;
      for (std::size_t w : edges_[v]) {
        if (index[w] < 0) {
          visit(w);
          low[v] = std::min(low[v], low[w]);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
      }
      if (low[v] != index[v]) return;
      std::vector<std::size_t> component;
      std::size_t w = 0;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        component.push_back(w);
      } while (w != v);
      if (component.size() > 1) report_cycle(component);
    };
    for (std::size_t v = 0; v < n; ++v) {
      if (index[v] < 0) visit(v);
    }
  }

  void report_cycle(const std::vector<std::size_t>& component) {
    std::set<std::size_t> members(component.begin(), component.end());
    std::size_t start = *members.begin();
    // Breadth-first search inside the component for the shortest way back to `start`.
    std::map<std::size_t, std::size_t> parent;
    std::vector<std::size_t> frontier{start};
    std::size_t last = start;
    bool found = false;
    while (!frontier.empty() && !found) {
      std::vector<std::size_t> next;
      for (std::size_t v : frontier) {
        for (std::size_t w : edges_[v]) {
          if (!members.contains(w)) continue;
          if (w == start) {
            last = v;
            found = true;
            break;
          }
          if (parent.emplace(w, v).second) next.push_back(w);
        }
        if (found) break;
      }
      frontier = std::move(next);
    }
    std::vector<std::size_t> path{start};
    for (std::size_t v = last; v != start; v = parent.at(v)) path.insert(path.begin() + 1, v);
    std::string text;
    for (std::size_t v : path) text += "`" + files_[v].course.id + "` → ";
    text += "`" + files_[start].course.id + "`";
    problem(start, files_[start].requires_line,
            "prerequisites form a cycle, so none of these courses could ever be started: " + text);
    for (std::size_t v : component) bad_[v] = true;
  }

  std::vector<detail::ParsedFile> files_;
  std::vector<bool> bad_;  ///< has a problem, so it stays out of the catalogue
  std::map<std::string, std::size_t, std::less<>> by_id_;
  std::vector<std::vector<std::size_t>> edges_;  ///< course -> the courses it requires
  std::vector<Problem>* problems_ = nullptr;
};

}  // namespace

LoadResult load_directory(const std::filesystem::path& dir) {
  LoadResult result;
  std::string dir_name = dir.string();
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    result.problems.push_back(Problem{dir_name, 0, "no such directory"});
    return result;
  }
  if (!fs::is_directory(dir, ec)) {
    result.problems.push_back(Problem{dir_name, 0, "not a directory"});
    return result;
  }

  std::vector<fs::path> paths;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (is_course_file(it->path()) && it->is_regular_file(type_ec)) paths.push_back(it->path());
  }
  if (ec) {
    result.problems.push_back(Problem{dir_name, 0, "cannot list the directory: " + ec.message()});
    return result;
  }
  std::sort(paths.begin(), paths.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  if (paths.empty()) {
    result.problems.push_back(
        Problem{dir_name, 0, "no course files (*.md other than README.md) in this directory"});
    return result;
  }

  std::vector<detail::ParsedFile> files;
  for (const fs::path& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      result.problems.push_back(Problem{path.string(), 0, "cannot read the file"});
      continue;
    }
    files.push_back(detail::parse_file(text, path.string()));
    auto& own = files.back().problems;
    result.problems.insert(result.problems.end(), own.begin(), own.end());
  }

  Directory directory(std::move(files));
  directory.check(result.problems);
  result.catalog = core::Catalog(directory.catalogue_order());
  std::stable_sort(result.problems.begin(), result.problems.end(),
                   [](const Problem& a, const Problem& b) {
                     if (a.file != b.file) return a.file < b.file;
                     return a.line < b.line;
                   });
  return result;
}

}  // namespace mc::content
