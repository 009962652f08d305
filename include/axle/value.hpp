// axle — the value layer: layouts and plans as plain constexpr values, and the engine that works
// on them at compile time and at run time.
//
//     const axle::value::layout& from = axle::value::of<torch_conv_transpose>();  // from a type
//     axle::value::derivation d = axle::value::derive(from, to);   // match the two layouts
//     if (d.error) ...                                             // value::error_code and the atoms
//     axle::value::plan p = axle::value::normal_form(d);           // swap(O, I) · flip(H, W)
//     axle::strided_map m = axle::map_plan(d, shape);              // <axle/mapping.hpp>
//
// The type layer (<axle/axle.hpp>) runs these very functions in constant evaluation; the
// command-line tool and layouts read from text run them at run time.
//
//   values.hpp       value::axis_info, atom, layout, error, value::layout_result
//   validate.hpp     value::validate(layout)
//   transform.hpp    swap_entries, flip_axes, permute_entries, move_entry, split_entry,
//                    merge_entries, drop_axis, relabel, adjoint, one_group
//   derive.hpp       derivation, value::derive(from, to)
//   normal_form.hpp  value::step_kind, step, plan, value::normal_form(derivation)
//   apply.hpp        apply(layout, plan), inverse(plan)
#pragma once

#include "engine/apply.hpp"
#include "engine/derive.hpp"
#include "engine/normal_form.hpp"
#include "engine/transform.hpp"
#include "engine/validate.hpp"
#include "engine/values.hpp"
