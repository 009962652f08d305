#!/usr/bin/env python3
"""Writes a realistic compile-time workload for axle, or the plain-constexpr floor of the same work.

The workload is N pairs (A_k, B_k) of distinct layouts (all 2N layouts are different types),
drawn with a fixed seed. Every pair is convertible, and every one is checked:

    static_assert(std::is_same_v<axle::apply_t<axle::plan_t<A_k, B_k>, A_k>, B_k>);

The mix (fractions of N):
  simple    70 %  4-8 whole axes, a permutation with flipped spatial axes on either side
  merged    10 %  4-7 axes, a merged group (G with O or I, or two neighbours) on one or both sides
  blocked   10 %  O (and sometimes I) blocked by 16 (outer<O, 16>, inner<O, 16>) on both sides,
                  the other axes permuted and flipped
  labelled  10 %  labels<gate, "i,f,g,o"> with another gate order on the other side, sometimes
                  merged with O (the LSTM weights), with 2-5 more axes

Axes: axle::axes::{N, C, O, I, G, M, D, H, W} and two user axes, T (spatial) and gate.

--floor writes the same N pairs, spelled with the floor's own templates (no axle), and checks
each one with the plain-constexpr floor: the two layouts become constexpr arrays (one key per
atom: axis, part; its orientation; the entry boundaries), a constexpr function derives the plan
value (for each target atom its source atom, the flip bit, the target's entry boundaries, the
relabelled atoms), the plan is a type (`plan<value, relabelled atoms...>`), and applying it to
A_k builds the result type by pack expansion, checked with is_same against B_k. Re-blocking
(a blocked layout to an unblocked one) is left out of the workload on purpose: the floor would
need the common refinement of the two blockings, i.e. it would become a library.

N = 0 writes the include-only translation unit (axle) or the floor's definitions only.

Usage: workload.py N [--floor] [--seed 1] [--mix simple,merged,blocked,labelled]"""
import argparse
import random
import sys

SPATIAL = {"D", "H", "W", "T"}
AXES = ["N", "C", "O", "I", "G", "M", "D", "H", "W", "T"]
GATES = "ifgo"


# An atom is (kind, axis, arg, flipped): kind in whole, outer, inner, labels; arg the block size
# or the label text. An entry is a tuple of atoms; a layout is a tuple of entries.
def whole(a, flip=False):
    return ("whole", a, None, flip)


def render_atom(atom):
    kind, axis, arg, flip = atom
    if kind == "whole":
        s = axis
    elif kind == "outer":
        s = f"outer<{axis}, {arg}>"
    elif kind == "inner":
        s = f"inner<{axis}, {arg}>"
    else:
        s = f'labels<{axis}, "{arg}">'
    return f"flipped<{s}>" if flip else s


def render_layout(layout, name="layout"):
    entries = []
    for e in layout:
        if len(e) == 1:
            entries.append(render_atom(e[0]))
        else:
            entries.append(f"merged<{', '.join(render_atom(a) for a in e)}>")
    return f"{name}<{', '.join(entries)}>"


def flips(rng, axes):
    return {a: (a in SPATIAL and rng.random() < 0.5) for a in axes}


def simple_pair(rng):
    k = rng.randint(4, 8)
    axes = rng.sample(AXES, k)
    src = axes[:]
    dst = axes[:]
    while dst == src:
        rng.shuffle(dst)
    fs, fd = flips(rng, axes), flips(rng, axes)
    return (tuple((whole(a, fs[a]),) for a in src), tuple((whole(a, fd[a]),) for a in dst))


def grouped(rng, axes, fl):
    """A layout over `axes` (a list in storage order) where G merges with its right neighbour
    or some neighbours merge: returns entries."""
    entries = []
    i = 0
    while i < len(axes):
        a = axes[i]
        if i + 1 < len(axes) and (a == "G" or rng.random() < 0.15) and rng.random() < 0.8:
            entries.append((whole(a, fl[a]), whole(axes[i + 1], fl[axes[i + 1]])))
            i += 2
        else:
            entries.append((whole(a, fl[a]),))
            i += 1
    return tuple(entries)


def merged_pair(rng):
    k = rng.randint(4, 7)
    partner = rng.choice(["O", "I"])
    rest = [a for a in AXES if a not in ("G", partner)]
    axes = ["G", partner] + rng.sample(rest, k - 2)
    while True:
        src, dst = axes[:], axes[:]
        rng.shuffle(src)
        rng.shuffle(dst)
        # G before its partner on at least one side, so that a G group exists somewhere.
        if src.index("G") + 1 == src.index(partner) or dst.index("G") + 1 == dst.index(partner):
            break
        src.insert(src.index(partner), src.pop(src.index("G")))
        break
    a = grouped(rng, src, flips(rng, axes))
    b = grouped(rng, dst, flips(rng, axes))
    if all(len(e) == 1 for e in a) and all(len(e) == 1 for e in b):
        return None
    return (a, b) if a != b else None


def blocked_pair(rng):
    k = rng.randint(4, 7)
    both = rng.random() < 0.3
    blocked = ["O", "I"] if both else ["O"]
    rest = [a for a in AXES if a not in blocked]
    others = rng.sample(rest, k - len(blocked))
    atoms = []
    for b in blocked:
        atoms += [("outer", b, 16, False), ("inner", b, 16, False)]
    atoms += [whole(a) for a in others]

    def one(fl):
        order = atoms[:]
        rng.shuffle(order)
        # an outer part comes before its inner part (the usual order, e.g. OIhw16i16o)
        for b in blocked:
            io = next(i for i, x in enumerate(order) if x[0] == "outer" and x[1] == b)
            ii = next(i for i, x in enumerate(order) if x[0] == "inner" and x[1] == b)
            if ii < io:
                order[io], order[ii] = order[ii], order[io]
        return tuple(((kind, ax, arg, fl.get(ax, False) if kind == "whole" else False),) for kind, ax, arg, _ in order)

    a, b = one(flips(rng, others)), one(flips(rng, others))
    return (a, b) if a != b else None


def labelled_pair(rng):
    k = rng.randint(2, 5)
    others = rng.sample([x for x in AXES if x not in ("O",)], k)
    g1 = list(GATES)
    g2 = list(GATES)
    rng.shuffle(g1)
    while g2 == g1:
        rng.shuffle(g2)

    def one(gates, fl):
        lab = ("labels", "gate", ",".join(gates), False)
        axes = ["O"] + others
        rng.shuffle(axes)
        entries = []
        merge = rng.random() < 0.5
        for a in axes:
            if a == "O" and merge:
                entries.append((lab, whole("O")))
            elif a == "O":
                entries.append((lab,))
                entries.append((whole("O"),))
            else:
                entries.append((whole(a, fl[a]),))
        if not merge:  # the gate entry somewhere else
            gi = next(i for i, e in enumerate(entries) if e[0][0] == "labels")
            e = entries.pop(gi)
            entries.insert(rng.randrange(len(entries) + 1), e)
        return tuple(entries)

    return (one(g1, flips(rng, others)), one(g2, flips(rng, others)))


KINDS = {"simple": simple_pair, "merged": merged_pair, "blocked": blocked_pair, "labelled": labelled_pair}


def pairs(n, seed, mix):
    rng = random.Random(seed)
    seen = set()
    out = []
    weights = [mix[k] for k in KINDS]
    while len(out) < n:
        kind = rng.choices(list(KINDS), weights)[0]
        p = KINDS[kind](rng)
        if p is None or p[0] in seen or p[1] in seen or p[0] == p[1]:
            continue
        seen.update(p)
        out.append((kind, p[0], p[1]))
    return out


AXLE_HEAD = """#include <axle/axle.hpp>
using namespace axle;
using namespace axle::axes;
struct T : axle::axis<"T", axle::axis_kind::spatial> {};
struct gate : axle::axis<"gate", axle::axis_kind::block> {};
"""

# The floor: no library, plain C++20 constexpr arrays and pack expansion.
FLOOR_HEAD = r"""#include <cstddef>
#include <type_traits>
#include <utility>
namespace fl {
template <std::size_t N>
struct fixed_string {
  char v[N + 1]{};
  constexpr fixed_string(const char (&s)[N + 1]) {
    for (std::size_t i = 0; i <= N; ++i) v[i] = s[i];
  }
};
template <std::size_t M>
fixed_string(const char (&)[M]) -> fixed_string<M - 1>;

template <int Id, bool Spatial = false>
struct axis {
  static constexpr int id = Id;
  static constexpr bool spatial = Spatial;
};
template <class A> struct flipped {};
template <class A, long S> struct outer {};
template <class A, long E, long S = 1> struct inner {};
template <class A, fixed_string L> struct labels {};
template <class... As> struct merged {};
template <class... Es> struct layout {};
template <class... Ts> struct list {};

// One key per atom: the axis and the part (orientation-free, labels-free); a label hash.
template <class T>
struct atom {
  using base = T;
  static constexpr long long key = static_cast<long long>(T::id) << 40;
  static constexpr bool flip = false;
  static constexpr unsigned long long label = 0;
};
template <class A>
struct atom<flipped<A>> : atom<A> {
  static constexpr bool flip = true;
};
template <class A, long S>
struct atom<outer<A, S>> : atom<A> {
  using base = outer<A, S>;
  static constexpr long long key = atom<A>::key | (static_cast<long long>(S) << 20) | 0xfffff;
};
template <class A, long E, long S>
struct atom<inner<A, E, S>> : atom<A> {
  using base = inner<A, E, S>;
  static constexpr long long key = atom<A>::key | (static_cast<long long>(S) << 20) | E;
};
template <class A, fixed_string L>
struct atom<labels<A, L>> : atom<A> {
  using base = labels<A, L>;
  static constexpr unsigned long long label = [] {
    unsigned long long h = 14695981039346656037ULL;
    for (char c : L.v) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return h;
  }();
};

inline constexpr int max_atoms = 12;
struct desc {
  long long key[max_atoms]{};
  unsigned long long label[max_atoms]{};
  bool flip[max_atoms]{};
  int entry_end[max_atoms]{};
  int natoms = 0;
  int nentries = 0;
};
template <class E>
struct entry {
  using atoms = list<E>;
};
template <class... As>
struct entry<merged<As...>> {
  using atoms = list<As...>;
};
template <class... As>
constexpr void push(desc& d, list<As...>) {
  ((d.key[d.natoms] = atom<As>::key, d.label[d.natoms] = atom<As>::label, d.flip[d.natoms++] = atom<As>::flip), ...);
  d.entry_end[d.nentries++] = d.natoms;
}
template <class L>
struct desc_of;
template <class... Es>
struct desc_of<layout<Es...>> {
  static constexpr desc value = [] {
    desc d;
    (push(d, typename entry<Es>::atoms{}), ...);
    return d;
  }();
};

// The plan value: for each target atom one code (its source atom, whether it flips, its
// relabelled atom: an index into the plan's atom types, or -1), and the target's entry ends.
struct plan_value {
  int code[max_atoms]{};
  int entry_end[max_atoms]{};
  int natoms = 0;
  int nentries = 0;
  int nrelabel = 0;
  bool ok = true;
};
constexpr plan_value derive(const desc& a, const desc& b) {
  plan_value p;
  p.natoms = b.natoms;
  p.nentries = b.nentries;
  for (int e = 0; e < b.nentries; ++e) p.entry_end[e] = b.entry_end[e];
  for (int k = 0; k < b.natoms; ++k) {
    int i = 0;
    while (i < a.natoms && a.key[i] != b.key[k]) ++i;
    if (i == a.natoms) p.ok = false;
    const int relabel = a.label[i] != b.label[k] ? p.nrelabel++ : -1;
    p.code[k] = i | (a.flip[i] != b.flip[k]) << 8 | (relabel + 1) << 9;
  }
  return p;
}
constexpr int code_src(int c) { return c & 255; }
constexpr bool code_flip(int c) { return (c >> 8) & 1; }
constexpr int code_relabel(int c) { return (c >> 9) - 1; }

template <int... V>
struct seq {};
/// A plan is a type: the codes, the entry ends, the relabelled atom types.
template <class Codes, class Ends, class Relabelled>
struct plan {};

// The relabelled atoms of B (orientation-free), in target order.
template <bool Lab, class T>
struct keep {
  using type = list<>;
};
template <class T>
struct keep<true, T> {
  using type = list<typename atom<T>::base>;
};
template <class... Ls>
struct concat;
template <>
struct concat<> {
  using type = list<>;
};
template <class... As>
struct concat<list<As...>> {
  using type = list<As...>;
};
template <class... As, class... Bs, class... Rest>
struct concat<list<As...>, list<Bs...>, Rest...> : concat<list<As..., Bs...>, Rest...> {};

template <class A, class B>
struct derivation {
  static constexpr plan_value value = derive(desc_of<A>::value, desc_of<B>::value);
  static_assert(value.ok);
};
template <class D, class Atoms, class Ks>
struct pick_relabelled;
template <class D, class... Xs, std::size_t... K>
struct pick_relabelled<D, list<Xs...>, std::index_sequence<K...>> {
  using type = typename concat<typename keep<(code_relabel(D::value.code[K]) >= 0), Xs>::type...>::type;
};
template <class L>
struct flat;
template <class... Es>
struct flat<layout<Es...>> {
  using type = typename concat<typename entry<Es>::atoms...>::type;
};
template <class D, class B, bool Any = D::value.nrelabel != 0>
struct relabelled {
  using type = list<>;
};
template <class D, class B>
struct relabelled<D, B, true> {
  using atoms = typename flat<B>::type;
  template <class Xs>
  struct all;
  template <class... Xs>
  struct all<list<Xs...>> : pick_relabelled<D, list<Xs...>, std::index_sequence_for<Xs...>> {};
  using type = typename all<atoms>::type;
};
template <class D, class B, class Ks, class Es>
struct make_plan;
template <class D, class B, std::size_t... K, std::size_t... E>
struct make_plan<D, B, std::index_sequence<K...>, std::index_sequence<E...>> {
  using type = plan<seq<D::value.code[K]...>, seq<D::value.entry_end[E]...>, typename relabelled<D, B>::type>;
};
template <class A, class B, class D = derivation<A, B>>
using plan_t = typename make_plan<D, B, std::make_index_sequence<static_cast<std::size_t>(D::value.natoms)>,
                                  std::make_index_sequence<static_cast<std::size_t>(D::value.nentries)>>::type;

// Indexing a pack, four at a time.
template <std::size_t I, class... Ts>
struct at;
template <class T0, class... Ts> struct at<0, T0, Ts...> { using type = T0; };
template <class T0, class T1, class... Ts> struct at<1, T0, T1, Ts...> { using type = T1; };
template <class T0, class T1, class T2, class... Ts> struct at<2, T0, T1, T2, Ts...> { using type = T2; };
template <class T0, class T1, class T2, class T3, class... Ts> struct at<3, T0, T1, T2, T3, Ts...> { using type = T3; };
template <std::size_t I, class T0, class T1, class T2, class T3, class... Ts>
  requires(I >= 4)
struct at<I, T0, T1, T2, T3, Ts...> : at<I - 4, Ts...> {};
template <class List, std::size_t I>
struct at_list;
template <class... Ts, std::size_t I>
struct at_list<list<Ts...>, I> : at<I, Ts...> {};

template <class T, bool Flip>
struct oriented {
  using type = T;
};
template <class T>
struct oriented<T, true> {
  using type = flipped<T>;
};

// Applying: atom k of the result is source atom src (or a relabelled atom), flipped if its
// orientation toggles; entries are grouped by pack expansion.
template <class Atoms, class Rs, int Code, int R = code_relabel(Code)>
struct result_atom {
  using S = typename at_list<Atoms, static_cast<std::size_t>(code_src(Code))>::type;
  using type = typename oriented<typename atom<S>::base, atom<S>::flip != code_flip(Code)>::type;
};
template <class Atoms, class Rs, int Code, int R>
  requires(R >= 0)
struct result_atom<Atoms, Rs, Code, R> {
  using S = typename at_list<Atoms, static_cast<std::size_t>(code_src(Code))>::type;
  using type = typename oriented<typename at_list<Rs, static_cast<std::size_t>(R)>::type, atom<S>::flip != code_flip(Code)>::type;
};
template <class Atoms, class Rs, class Codes, int Begin, class Ks>
struct result_entry;
template <class Atoms, class Rs, class Codes, int Begin>
struct result_entry<Atoms, Rs, Codes, Begin, std::index_sequence<0>> {
  using type = typename result_atom<Atoms, Rs, Codes::value[Begin]>::type;
};
template <class Atoms, class Rs, class Codes, int Begin, std::size_t... K>
struct result_entry<Atoms, Rs, Codes, Begin, std::index_sequence<K...>> {
  using type = merged<typename result_atom<Atoms, Rs, Codes::value[Begin + static_cast<int>(K)]>::type...>;
};
template <int... C>
struct codes {
  static constexpr int value[sizeof...(C)] = {C...};
};
template <class P, class L>
struct apply;
template <int... C, int... E, class Rs, class L>
struct apply<plan<seq<C...>, seq<E...>, Rs>, L> {
  using ends = codes<0, E...>;
  template <class Ks>
  struct build;
  template <std::size_t... K>
  struct build<std::index_sequence<K...>> {
    using type = layout<typename result_entry<typename flat<L>::type, Rs, codes<C...>, ends::value[K],
                                              std::make_index_sequence<static_cast<std::size_t>(ends::value[K + 1] - ends::value[K])>>::type...>;
  };
  using type = typename build<std::make_index_sequence<sizeof...(E)>>::type;
};
template <class P, class L>
using apply_t = typename apply<P, L>::type;
}  // namespace fl
using namespace fl;
struct N : axis<0> {};
struct C : axis<1> {};
struct O : axis<2> {};
struct I : axis<3> {};
struct G : axis<4> {};
struct M : axis<5> {};
struct D : axis<6, true> {};
struct H : axis<7, true> {};
struct W : axis<8, true> {};
struct T : axis<9, true> {};
struct gate : axis<10> {};
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--floor", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mix", default="70,10,10,10", help="percent simple,merged,blocked,labelled")
    ap.add_argument("--stats", action="store_true", help="print the mix actually drawn, to stderr")
    args = ap.parse_args()
    mix = dict(zip(KINDS, (float(x) for x in args.mix.split(","))))
    out = [FLOOR_HEAD if args.floor else AXLE_HEAD]
    drawn = pairs(args.n, args.seed, mix)
    for k, (kind, a, b) in enumerate(drawn):
        out.append(f"using A{k} = {render_layout(a)};  // {kind}")
        out.append(f"using B{k} = {render_layout(b)};")
        if args.floor:
            out.append(f"static_assert(std::is_same_v<apply_t<plan_t<A{k}, B{k}>, A{k}>, B{k}>);")
        else:
            out.append(f"static_assert(std::is_same_v<axle::apply_t<axle::plan_t<A{k}, B{k}>, A{k}>, B{k}>);")
    out.append("int main() {}")
    print("\n".join(out))
    if args.stats:
        from collections import Counter
        c = Counter(k for k, _, _ in drawn)
        atoms = [sum(len(e) for e in x) for _, a, b in drawn for x in (a, b)]
        print(dict(c), "atoms per layout:", min(atoms or [0]), "-", max(atoms or [0]),
              "mean %.2f" % (sum(atoms) / max(1, len(atoms))), file=sys.stderr)


if __name__ == "__main__":
    main()
