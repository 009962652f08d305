// User-defined axes: attention tensors. PyTorch's scaled_dot_product_attention takes
// (batch, heads, seq, feature); FlashAttention and JAX take (batch, seq, heads, feature).
// Each axis is declared in one line; everything else works as for the built-in axes.
#include <axle/axle.hpp>
#include <axle/codegen.hpp>
#include <axle/format.hpp>

#include <type_traits>

struct batch : axle::axis<"B", axle::axis_kind::batch> {};
struct heads : axle::axis<"heads"> {};
struct seq : axle::axis<"seq"> {};
struct feature : axle::axis<"feature"> {};

using sdpa_qkv = axle::layout<batch, heads, seq, feature>;   // torch.nn.functional.scaled_dot_product_attention
using flash_qkv = axle::layout<batch, seq, heads, feature>;  // flash_attn_func, jax.nn.dot_product_attention

using to_flash = axle::plan_t<sdpa_qkv, flash_qkv>;
static_assert(std::is_same_v<to_flash, axle::plan<axle::swap<seq, heads>>>);
static_assert(std::is_same_v<axle::inverse_t<to_flash>, axle::plan_t<flash_qkv, sdpa_qkv>>);

// Grouped-query attention packs several query heads per key/value head: split `heads` into
// (kv_heads, group) where the kernel wants them apart.
struct kv_heads : axle::axis<"kv_heads"> {};
struct group : axle::axis<"group"> {};
using gqa_packed = axle::layout<batch, axle::merged<kv_heads, group>, seq, feature>;
using gqa_kernel = axle::layout<batch, seq, kv_heads, group, feature>;

int main() {
  fmt::print("{} -> {}: {}\n", sdpa_qkv{}, flash_qkv{}, to_flash{});
  fmt::print("    NumPy: {}\n", axle::code<sdpa_qkv, flash_qkv>(axle::dialect::numpy, "q"));
  fmt::print("{} -> {}: {}\n", gqa_packed{}, gqa_kernel{}, axle::plan_t<gqa_packed, gqa_kernel>{});
  fmt::print("    NumPy (kv_heads given):\n{}", axle::code<gqa_packed, gqa_kernel>(axle::dialect::numpy, "q"));
}
