// libFuzzer target: every parser of layouts written as text (<axle/parse.hpp>, <axle/einops.hpp>,
// <axle/tvm.hpp>, the oneDNN tag and JAX dimension_numbers parsers), on arbitrary bytes. Each
// either returns a layout that obeys the rules of a layout, or throws one layout_syntax_error
// whose message is one line and whose column lies in the text (0: the text as a whole). A layout
// read in axle's notation prints as a text that reads back as the same layout (parse∘print is the
// identity on what parse returns). The quick reading layout_t uses agrees with the parser.
#include <axle/catalogue.hpp>
#include <axle/einops.hpp>
#include <axle/notation.hpp>
#include <axle/parse.hpp>
#include <axle/tvm.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void require(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "layout_text fuzz: %s for input \"%s\"\n", what, axle::escaped(input, 200).c_str());
  std::abort();
}

void check_error(const axle::layout_syntax_error& e, std::string_view text, std::string_view input) {
  const std::string_view what = e.what();
  require(what.find('\n') == std::string_view::npos, "a message of several lines", input);
  require(e.column() >= 0 && e.column() <= static_cast<int>(text.size()) + 1, "a column outside the text", input);
  require(e.error().problem != axle::syntax_problem::none, "an error without a problem", input);
}

void check_layout(const axle::value::layout& l, std::string_view input) {
  require(!axle::value::validate(l), "a layout that breaks the rules", input);
  require(!axle::value::derive(l, l).error, "a layout that does not convert to itself", input);
}

template <class Parse>
void attempt(std::string_view text, std::string_view input, Parse parse) {
  try {
    check_layout(parse(text), input);
  } catch (const axle::layout_syntax_error& e) {
    check_error(e, text, input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // axle's notation: parse, print, parse again.
  try {
    const axle::value::layout l = axle::parse_layout(input);
    check_layout(l, input);
    const std::string printed = axle::to_string(l);
    const axle::value::layout again = axle::parse_layout(printed);
    require(axle::to_string(again) == printed, "print(parse(print(parse(s)))) != print(parse(s))", input);
    const axle::value::derivation d = axle::value::derive(l, again);
    require(!d.error && axle::value::normal_form(d).nsteps == 0, "a reprinted layout differs", input);
  } catch (const axle::layout_syntax_error& e) {
    check_error(e, input, input);
  }
  // layout_t's quick reading (the type is built from it): where it answers, the full parser reads
  // the same layout, and where it decides the rules hold, they do.
  if (size <= 4096) {
    namespace d = axle::detail;
    const d::quick_text q = d::quick_parse(input.data(), static_cast<int>(size), d::table_of<axle::axes_list<>>::names);
    if (q.ok) {
      const d::text_layout full = d::parse_layout_text(input, d::table_of<axle::axes_list<>>::value);
      require(!full.error, "a text read quickly that the parser rejects", input);
      const axle::value::layout l = d::quick_value(q, d::table_of<axle::axes_list<>>::value);
      require(axle::to_string(l) == axle::to_string(full.layout) && l.nentries == full.layout.nentries,
              "a text read quickly as another layout", input);
      if (q.valid) require(!axle::value::validate(full.layout), "a layout decided valid that breaks the rules", input);
    }
  }
  attempt(input, input, [](std::string_view t) { return axle::parse_einops(t, axle::bind<"1", axle::axes::I>{}); });
  attempt(input, input, [](std::string_view t) { return axle::tvm::parse_layout(t); });
  try {
    const auto x = axle::parse_einops_expression(input);
    check_layout(x.from, input);
    check_layout(x.to, input);
  } catch (const axle::layout_syntax_error& e) {
    check_error(e, input, input);
  }
  for (bool deconvolution : {false, true}) {
    const axle::parsed_layout t = axle::onednn::parse_weights_tag(input, deconvolution);
    if (!t.error) check_layout(t.layout, input);
  }
  // Three dimension_numbers specs, separated by '|'.
  const std::size_t a = input.find('|');
  const std::size_t b = a == std::string_view::npos ? a : input.find('|', a + 1);
  if (b != std::string_view::npos) {
    const auto d = axle::jax::parse_dimension_numbers(input.substr(0, a), input.substr(a + 1, b - a - 1), input.substr(b + 1));
    if (!d.error) {
      check_layout(d.lhs.layout, input);
      check_layout(d.rhs.layout, input);
      check_layout(d.out.layout, input);
    }
  }
  return 0;
}
