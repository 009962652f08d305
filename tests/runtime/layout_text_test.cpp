// Layouts written as text, read at run time: the same parser as layout_t<"...">, with errors as
// exceptions that carry the same facts. Every catalogue layout reads back from its printed form
// as itself; malformed texts give one-line messages that point at the offending column.
#define BOOST_TEST_MODULE axle_layout_text
#include <boost/test/unit_test.hpp>

#include <axle/catalogue.hpp>
#include <axle/einops.hpp>
#include <axle/notation.hpp>
#include <axle/parse.hpp>
#include <axle/tvm.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace axle::axes;
namespace value = axle::value;

/// The two layouts are the same: the derived plan between them has no step, and they print alike.
bool same(const value::layout& a, const value::layout& b) {
  const value::derivation d = value::derive(a, b);
  return !d.error && value::normal_form(d).nsteps == 0 && axle::to_string(a) == axle::to_string(b) && a.nentries == b.nentries;
}

/// The message of the error a parse throws, or "" when it reads the text.
template <class Parse>
std::string error_of(Parse parse) {
  try {
    static_cast<void>(parse());
  } catch (const axle::layout_syntax_error& e) {
    return e.what();
  }
  return {};
}

std::string notation_error(std::string_view text) {
  return error_of([&] { return axle::parse_layout(text); });
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_catalogue_layout_reads_back_from_its_printed_form) {
  int checked = 0;
  for (const axle::catalogue::entry_info& e : axle::catalogue::entries())
    for (const value::layout* l : {e.weight, e.weight_ungrouped, e.activation}) {
      const std::string printed = axle::to_string(*l);
      const value::layout parsed = axle::parse_layout(printed);
      BOOST_TEST(axle::to_string(parsed) == printed, e.name);  // print(parse(s)) == s
      BOOST_TEST(same(parsed, *l), e.name);                    // parse(print(L)) == L
      ++checked;
    }
  BOOST_TEST(checked >= 3 * 160);
}

namespace {

/// The atoms and dimensions of the two layouts are the same, field by field.
bool same_atoms(const value::layout& a, const value::layout& b) {
  if (a.natoms != b.natoms || a.nentries != b.nentries || a.overflow || b.overflow) return false;
  for (int e = 0; e <= a.nentries; ++e)
    if (a.entry_begin[e] != b.entry_begin[e]) return false;
  for (int i = 0; i < a.natoms; ++i) {
    const value::atom& x = a.atoms[i];
    const value::atom& y = b.atoms[i];
    if (x.axis != y.axis || x.info != y.info || x.stride != y.stride || x.extent != y.extent || x.flipped != y.flipped ||
        x.unit != y.unit || x.source != y.source || x.axis_source != y.axis_source || x.labelled() || y.labelled())
      return false;
  }
  return true;
}

struct quick_batch : axle::axis<"batch", axle::axis_kind::batch> {};
struct quick_o : axle::axis<"O", axle::axis_kind::spatial> {};  // reuses a built-in label

/// What comparing layout_t's quick reading of a text with the full parser found.
struct quick_tally {
  int texts = 0, read = 0, decided = 0, wrong = 0;
  std::string first_wrong;
};

/// layout_t reads most texts with quick_parse and builds the type from that reading; where
/// quick_parse answers, it must agree with parse_layout_text (which reports the errors), and
/// where it decides the rules of a layout hold, value::validate must find nothing.
template <class Axes = axle::axes_list<>>
void check_quick(std::string_view text, quick_tally& t) {
  namespace d = axle::detail;
  ++t.texts;
  const d::quick_text q = d::quick_parse(text.data(), static_cast<int>(text.size()), d::table_of<Axes>::names);
  if (!q.ok) return;
  ++t.read;
  const d::text_layout full = d::parse_layout_text(text, d::table_of<Axes>::value);
  bool right = !full.error && same_atoms(d::quick_value(q, d::table_of<Axes>::value), full.layout);
  if (q.valid) {
    ++t.decided;
    right = right && !value::validate(full.layout);
  }
  if (!right && t.wrong++ == 0) t.first_wrong = text;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_quick_reading_agrees_with_the_parser) {
  // Every printed catalogue layout, texts written to probe the quick reading's edges, and every
  // text one edit away from each of them (a character deleted, or one of `inserted` put in).
  std::vector<std::string> texts;
  for (const axle::catalogue::entry_info& e : axle::catalogue::entries())
    for (const value::layout* l : {e.weight, e.weight_ungrouped, e.activation}) texts.push_back(axle::to_string(*l));
  for (const char* t : {"()", " ( ) ", "(O, I, H, W)", "\t(O,I,H~,W~)\t", "((G, I), O, H~, W~)", "((G,O/8),I,8o)",
                        "(O/16, I/16, H, W, 16i, 16o)", "(O/16, 16o)", "((O/16, 16o))", "((16o, O/16))", "(O/16, 8o)",
                        "(O/4, I/4, 16i, 4o)", "(O/4, I/16, 16i, 4o)", "(O, O)", "(O, O/2, 2o)", "(O/2, O/4, 2o)",
                        "(I=1, O)", "(I = 1, O)", "(O~, H)", "(H/2~, 2h~)", "(H/2, 2h~)", "(4i@4, I/16, 4i)",
                        "(heads, head_dim~, seq)", "(N, HEADS)", "(kv_heads/2, 2KV_HEADS)", "(G, (O, I, H))",
                        "(O / 16 ~, 16o)", "(O/0016, 16o)", "(O/99999999999, 1o)", "(O/2147483647, 2147483647o)",
                        "((G))", "((G, I),)", "(O, I) ", "(O, I))", "(O I)", "(1o, O)", "(0o, O/2)", "(W~ ~)"})
    texts.emplace_back(t);
  const std::string inserted = " ,()~/=@[]01269OoIiHhGg_";
  quick_tally tally;
  for (const std::string& t : texts) {
    check_quick(t, tally);
    for (std::size_t i = 0; i <= t.size(); ++i) {
      if (i < t.size()) check_quick(t.substr(0, i) + t.substr(i + 1), tally);
      for (const char c : inserted) check_quick(t.substr(0, i) + c + t.substr(i), tally);
    }
  }
  // With axes of the user's, which come first and may reuse a built-in label.
  using mine = axle::axes_list<quick_batch, quick_o>;
  for (const char* t : {"(batch, O~, I)", "(O/2, 2o, batch)", "(B, O)", "(2BATCH, batch/2)", "(o~)"}) check_quick<mine>(t, tally);
  BOOST_TEST(tally.wrong == 0, tally.wrong << " texts read differently, the first: \"" << tally.first_wrong << '"');
  BOOST_TEST_MESSAGE(tally.texts << " texts, " << tally.read << " read quickly, " << tally.decided << " decided valid");
  // The comparison is not vacuous: the common forms are read quickly and decided valid (the type
  // is not checked again); texts that break a rule are read quickly but left to the type's check.
  namespace d = axle::detail;
  auto quick = [](std::string_view t) { return d::quick_parse(t.data(), static_cast<int>(t.size()), d::table_of<axle::axes_list<>>::names); };
  for (const char* t : {"(O, I, H, W)", "((G, I), O, H~, W~)", "(H, W, I, O)", "(O/16, I/16, H, W, 16i, 16o)",
                        "((G, O/8), I, 8o)", "(N, H, W, C/8, 8c)", "(seq, heads, head_dim)", "()"})
    BOOST_TEST((quick(t).ok && quick(t).valid), t);
  for (const char* t : {"(O, O)", "(O~, I)", "(O/16, 8o)", "(O/16, I)", "((O/16, 16o))", "(I=1, O)", "(O, 4i@4, I/16, 4i)"})
    BOOST_TEST((quick(t).ok && !quick(t).valid), t);
  for (const char* t : {"((G, I, O), H)", "(gate[i,f,g,o], O)", "((G), O)", "(O, I"}) BOOST_TEST(!quick(t).ok, t);
}

BOOST_AUTO_TEST_CASE(the_run_time_parse_is_the_compile_time_one) {
  BOOST_TEST(same(axle::parse_layout("((G, I), O, H~, W~)"), value::of<axle::layout_t<"((G, I), O, H~, W~)">>()));
  BOOST_TEST(same(axle::parse_layout("(O/16, I/16, H, W, 4i@4, 16o, 4i)"), value::of<axle::onednn::weights<"OIhw4i16o4i">>()));
  BOOST_TEST(same(axle::parse_layout("(direction=1, (gate[i,o,f,g], O), I)"), *axle::catalogue::find("onnx.lstm")->weight));
  BOOST_TEST(same(axle::parse_layout(" ( ( G ,M ) , I = 1 ,H,W ) "), value::of<axle::layout_t<"((G, M), I=1, H, W)">>()));
  BOOST_TEST(axle::to_string(axle::parse_layout("(gate[ i , f,g ,o ], O)")) == "(gate[i,f,g,o], O)");
  // The same atoms: axis identities are those of the axis types.
  const value::layout l = axle::parse_layout("(O, I, H~, W)");
  BOOST_TEST(l.atoms[0].axis == value::of<axle::layout<O>>().atoms[0].axis);
  BOOST_TEST(l.atoms[2].flipped);
}

BOOST_AUTO_TEST_CASE(labels_outlive_the_text) {
  auto text = std::make_unique<std::string>("((gate[in,forget,cell,out], O), I)");
  const value::layout l = axle::parse_layout(*text);
  text->assign(text->size(), '#');
  text.reset();
  BOOST_TEST(axle::to_string(l) == "((gate[in,forget,cell,out], O), I)");
  // A copy made later from another text with the same labels is the same layout.
  BOOST_TEST(same(l, axle::parse_layout("((gate[in,forget,cell,out], O), I)")));
}

BOOST_AUTO_TEST_CASE(labels_read_on_many_threads_are_stored_once) {
  // Four threads read the same 40 label lists at once, each in another order: every layout prints
  // as its text, and one label list is stored once, whichever thread read it first.
  constexpr int lists = 40, threads = 4;
  auto text = [](int k) { return "((gate[a" + std::to_string(k) + ",b,c,d], O), I)"; };
  std::vector<std::vector<const std::string_view*>> stored(threads, std::vector<const std::string_view*>(lists));
  std::vector<int> wrong(threads);
  {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        constexpr int step[threads] = {1, 3, 7, 9};  // prime to 40: each thread reads every list
        for (int i = 0; i < lists; ++i) {
          const int k = (i * step[t] + t) % lists;
          const value::layout l = axle::parse_layout(text(k));
          if (axle::to_string(l) != text(k)) ++wrong[t];
          stored[t][k] = l.atoms[0].labels;
        }
      });
    for (std::thread& th : pool) th.join();
  }
  for (int t = 0; t < threads; ++t) {
    BOOST_TEST(wrong[t] == 0);
    for (int k = 0; k < lists; ++k) BOOST_TEST(stored[t][k] == stored[0][k]);
  }
  for (int k = 1; k < lists; ++k) BOOST_TEST(stored[0][k] != stored[0][0]);
}

BOOST_AUTO_TEST_CASE(user_axes_are_found_by_label_at_run_time) {
  struct tokens : axle::axis<"tokens"> {};
  struct T : axle::axis<"T", axle::axis_kind::spatial> {};
  const value::layout l = axle::parse_layout("(N, tokens/8, T~, 4tokens@2, 2tokens)", axle::axes_list<tokens, T>{});
  BOOST_TEST(axle::to_string(l) == "(N, tokens/8, T~, 4tokens@2, 2tokens)");
  BOOST_TEST(notation_error("(N, tokens)") == R"m(unknown axis 'tokens' at column 5 of "(N, tokens)")m");
}

BOOST_AUTO_TEST_CASE(malformed_texts_point_at_the_column) {
  BOOST_TEST(notation_error("((G, I) O, H~, W~)") == R"m(expected ',' or ')' at column 9 of "((G, I) O, H~, W~)")m");
  BOOST_TEST(notation_error("O, I") == R"m(expected '(' at column 1 of "O, I")m");
  BOOST_TEST(notation_error("(O, I") == R"m(expected ',' or ')' at column 6 of "(O, I")m");
  BOOST_TEST(notation_error("(O, I) x") == R"m(expected the end of the text at column 8 of "(O, I) x")m");
  BOOST_TEST(notation_error("(O, , I)") == R"m(expected an axis name at column 5 of "(O, , I)")m");
  BOOST_TEST(notation_error("(O, ((I, H)))") == R"m(parentheses do not nest at column 6 of "(O, ((I, H)))")m");
  BOOST_TEST(notation_error("(X, O)") == R"m(unknown axis 'X' at column 2 of "(X, O)")m");
  BOOST_TEST(notation_error("(o, i)") == R"m(unknown axis 'o' at column 2 of "(o, i)")m");
  BOOST_TEST(notation_error("(O/, I)") == R"m(expected a number at column 4 of "(O/, I)")m");
  BOOST_TEST(notation_error("(O/1, 1o)") == R"m(a block size must be at least 2 at column 4 of "(O/1, 1o)")m");
  BOOST_TEST(notation_error("(0o, O/4)") == R"m(an extent must be at least 1 at column 2 of "(0o, O/4)")m");
  BOOST_TEST(notation_error("(O/4, 4o@0)") == R"m(a stride must be at least 1 at column 10 of "(O/4, 4o@0)")m");
  BOOST_TEST(notation_error("(O/99999999999, I)") == R"m(number '99999999999' is too large (at most 2147483647) at column 4 of "(O/99999999999, I)")m");
  BOOST_TEST(notation_error("(I=2, O)") == R"m(expected '1' after '=' (a unit axis is written A=1) at column 4 of "(I=2, O)")m");
  BOOST_TEST(notation_error("(gate[], O)") == R"m(expected a label at column 7 of "(gate[], O)")m");
  BOOST_TEST(notation_error("(gate[i f], O)") == R"m(expected ',' or ']' at column 9 of "(gate[i f], O)")m");
  BOOST_TEST(notation_error("(gate[i,f,i], O)") == R"m(label 'i' repeated at column 11 of "(gate[i,f,i], O)")m");
  BOOST_TEST(notation_error("(gate[a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q])") ==
             R"m(more than 16 labels at column 39 of "(gate[a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q])")m");
  // The rules of a layout, pointed at the atom.
  BOOST_TEST(notation_error("(O, I, O)") == R"m(axis 'O' named twice at column 8 of "(O, I, O)")m");
  BOOST_TEST(notation_error("(O~, I)") == R"m(axis 'O' is not spatial and cannot be flipped at column 2 of "(O~, I)")m");
  BOOST_TEST(notation_error("(16o, I)") == R"m(blocked axis 'O' needs one outer part (O/n) at column 2 of "(16o, I)")m");
  BOOST_TEST(notation_error("(O/16, 8o)") == R"m(the parts of axis 'O' do not chain (block sizes must multiply up) at column 2 of "(O/16, 8o)")m");
  // A part of extent 1 does not advance the chain (the fuzz target found the walk did not end).
  BOOST_TEST(notation_error("(O/16, I/16, H, W, 1i@4, 16o, 4i)") ==
             R"m(the parts of axis 'I' do not chain (block sizes must multiply up) at column 8 of "(O/16, I/16, H, W, 1i@4, 16o, 4i)")m");
  BOOST_TEST(notation_error("(H/2, 2h~)") == R"m(the parts of axis 'H' are flipped differently at column 7 of "(H/2, 2h~)")m");
  BOOST_TEST(notation_error("((O/4, 4o), I)") ==
             R"m(consecutive parts of axis 'O' merged (write the axis, or its outer part) at column 3 of "((O/4, 4o), I)")m");
  BOOST_TEST(notation_error("(N, C, D, H, W, O, I, G, M, heads, seq, head_dim, direction)") ==
             R"m(more than 12 atoms at column 51 of "(N, C, D, H, W, O, I, G, M, heads, seq, head_dim, direction)")m");
  // Input is echoed safely, on one line.
  BOOST_TEST(notation_error("(O,\nI)") == R"m(expected an axis name at column 4 of "(O,\nI)")m");
  try {
    static_cast<void>(axle::parse_layout("(O, I"));
    BOOST_FAIL("no error");
  } catch (const axle::layout_syntax_error& e) {
    BOOST_TEST(e.column() == 6);
    BOOST_TEST((e.error().problem == axle::syntax_problem::expected_comma_or_closing_parenthesis));
  }
}

BOOST_AUTO_TEST_CASE(einops_patterns_and_expressions) {
  using axle::bind;
  BOOST_TEST(same(axle::parse_einops("(g i) o h~ w~"), axle::parse_layout("((G, I), O, H~, W~)")));
  BOOST_TEST(same(axle::parse_einops("kh kw cin cout", bind<"kh", H>{}, bind<"kw", W>{}, bind<"cin", I>{}, bind<"cout", O>{}),
                  axle::parse_layout("(H, W, I, O)")));
  BOOST_TEST(same(axle::parse_einops("(g m) 1 h w", bind<"1", I>{}), axle::parse_layout("((G, M), I=1, H, W)")));
  const axle::einops_layouts x = axle::parse_einops_expression("(g i) o h~ w~ -> (g o) i h w");
  BOOST_TEST(axle::to_string(value::normal_form(value::derive(x.from, x.to))) ==
             axle::to_string(axle::plan_t<axle::layout_t<"((G, I), O, H~, W~)">, axle::layout_t<"((G, O), I, H, W)">>{}));
  auto error = [](std::string_view text) { return error_of([&] { return axle::parse_einops(text); }); };
  auto expression_error = [](std::string_view text) { return error_of([&] { return axle::parse_einops_expression(text); }); };
  // einops' own errors (arogozhnikov/einops einops/parsing.py), in its order: syntax before names.
  BOOST_TEST(error("a.b") == R"m(dots only in an ellipsis (...) at column 2 of "a.b")m");
  BOOST_TEST(error("... h ...") == R"m(more than one ellipsis (...) at column 7 of "... h ...")m");
  BOOST_TEST(error("((g i)) o") == R"m(parentheses do not nest at column 2 of "((g i)) o")m");
  BOOST_TEST(error("zz)") == R"m(unbalanced parentheses at column 3 of "zz)")m");
  BOOST_TEST(error("(zz o") == R"m(unbalanced parentheses at column 1 of "(zz o")m");
  BOOST_TEST(error("o i\th") == R"m(unexpected character '\t' at column 4 of "o i\th")m");
  BOOST_TEST(error("_o i") == R"m(invalid axis identifier '_o' (a name may not start or end with '_') at column 1 of "_o i")m");
  BOOST_TEST(error("2o i") == R"m(invalid axis identifier '2o' (a name may not start or end with '_') at column 1 of "2o i")m");
  BOOST_TEST(error("o 0 i") == R"m(an anonymous axis must have a positive length at column 3 of "o 0 i")m");
  BOOST_TEST(error("o 2 i") == R"m(anonymous axis '2' (only 1 is supported: a unit axis) at column 3 of "o 2 i")m");
  BOOST_TEST(error("o i i") == R"m(axis 'I' named twice at column 5 of "o i i")m");
  BOOST_TEST(error("o 1 i") == R"m(no axis bound to '1' (axle::bind<"1", Axis> says which axis has extent 1) at column 3 of "o 1 i")m");
  BOOST_TEST(error("o kh") == R"m(unknown axis 'kh' at column 3 of "o kh")m");
  BOOST_TEST(error("o~ i") == R"m(axis 'O' is not spatial and cannot be flipped at column 1 of "o~ i")m");
  BOOST_TEST(expression_error("o i") == R"m(expected one '->' between two patterns in "o i")m");
  BOOST_TEST(expression_error("o i -> i") == R"m(axis 'o' only on one side of '->' at column 1 of "o i -> i")m");
  BOOST_TEST(expression_error("o i -> i o h") == R"m(axis 'h' only on one side of '->' at column 12 of "o i -> i o h")m");
  BOOST_TEST(expression_error("... o -> o") == R"m(an ellipsis (...) only on one side of '->' at column 1 of "... o -> o")m");
  BOOST_TEST(expression_error("(... o) -> ... o") ==
             R"m(an ellipsis (...) in parentheses on the left of '->' at column 2 of "(... o) -> ... o")m");
  BOOST_TEST(expression_error("o i -> i x") == R"m(unknown axis 'x' at column 10 of "o i -> i x")m");
}

BOOST_AUTO_TEST_CASE(tvm_layout_strings) {
  BOOST_TEST(axle::to_string(axle::tvm::parse_layout("NCHW16c")) == "(N, C/16, H, W, 16c)");
  BOOST_TEST(same(axle::tvm::parse_layout("OIHW16i16o"), value::of<axle::onednn::weights<"OIhw16i16o">>()));
  auto error = [](std::string_view text) { return error_of([&] { return axle::tvm::parse_layout(text); }); };
  BOOST_TEST(error("NCHW16") == R"m(a factor without a lower-case letter after it at column 5 of "NCHW16")m");
  BOOST_TEST(error("NCHW16C") == R"m(a factor before upper-case letter 'C' at column 7 of "NCHW16C")m");
  BOOST_TEST(error("NCHWc") == R"m(block 'c' needs a size before it at column 5 of "NCHWc")m");
  BOOST_TEST(error("NCHW0c") == R"m(a block size must be at least 2 at column 5 of "NCHW0c")m");
  BOOST_TEST(error("NHW16c") == R"m(block 'c' needs its dimension in upper case in the text at column 6 of "NHW16c")m");
  BOOST_TEST(error("NCHW4c4c") == R"m(more than one block of 'c' at column 8 of "NCHW4c4c")m");
  BOOST_TEST(error("NCHWC") == R"m(axis 'C' named twice at column 5 of "NCHWC")m");
  BOOST_TEST(error("NCHX") == R"m(unknown axis 'X' at column 4 of "NCHX")m");
  BOOST_TEST(error("NCHW4x") == R"m(unknown letter 'x' at column 6 of "NCHW4x")m");
  BOOST_TEST(error("__undef__") == R"m(unexpected character '_' at column 1 of "__undef__")m");
}
