// axle — the exceptions of axle's run-time half.
//
//   shape_error    a shape or size cannot belong to the layout it is used with, or does not fit in
//                  memory arithmetic: the message names the axis or the shape, and the sizes.
//   layout_error   a layout known only at run time is not valid, or no conversion (or no
//                  zero-copy view) exists between two of them: the message names both layouts.
//   overlap_error  a conversion's destination shares memory with its source.
//   file_error     a file cannot be read, written or understood: "<file>: <problem>".
//   conversion_error  two ops' tensors do not convert: their meanings differ (a GRU's reset
//                  placement, a rotary embedding, sections, biases), said in one line.
//   layout_syntax_error  a layout written as text (axle's notation, einops, TVM, oneDNN, JAX) is
//                  malformed: `expected ',' or ')' at column 9 of "((G, I) O, H~, W~)"`.
//
// Compile-time mistakes are diagnostics, not exceptions (<axle/diagnostics.hpp>).
#pragma once

#include <stdexcept>
#include <string>

#include "detail/parse.hpp"

namespace axle {

/// A shape that cannot belong to the layout it is used with, or whose size does not fit.
class shape_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A layout known at run time that is not valid, or two between which the asked-for conversion
/// does not exist (compile-time layouts get a diagnostic instead).
class layout_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A conversion's destination shares memory with its source.
class overlap_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A file that cannot be read, written or understood; the message starts with the file's name.
class file_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Two ops' tensors that do not convert: the message says which meaning differs and how.
class conversion_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A layout written as text that cannot be read: the message names the problem, the 1-based
/// column and the text; error() holds the facts (problem, column; column 0 when the problem
/// concerns the whole text).
class layout_syntax_error : public std::invalid_argument {
 public:
  layout_syntax_error(const std::string& what, const detail::syntax_error& e) : std::invalid_argument(what), error_(e) {}
  [[nodiscard]] const detail::syntax_error& error() const noexcept { return error_; }
  [[nodiscard]] int column() const noexcept { return error_.column; }

 private:
  detail::syntax_error error_;
};

}  // namespace axle
