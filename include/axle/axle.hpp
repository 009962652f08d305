// axle — tensor layouts as C++20 types.
//
// The core: axes, layouts, transformations, plans, adjoints and diagnostics. It depends on
// the standard library only. Printing lives in <axle/format.hpp> ({fmt}), code rendering in
// <axle/codegen.hpp>, Boost.Hana interop in <axle/hana.hpp>.
#pragma once

#include "adjoint.hpp"
#include "axis.hpp"
#include "diagnostics.hpp"
#include "layout.hpp"
#include "plan.hpp"
#include "transform.hpp"
#include "version.hpp"
