#include "core/interned_string.hpp"

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace rafter {
namespace {

TEST(interned_string, is_one_pointer) { EXPECT_EQ(sizeof(interned_string), sizeof(void*)); }

TEST(interned_string, equal_text_is_the_same_entry) {
  const std::string text = "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<c10::BFloat16> >";
  const interned_string a(text);
  const interned_string b(std::string_view(text.data(), text.size()));
  const interned_string c(text.c_str());
  EXPECT_TRUE(a == b);
  EXPECT_TRUE(a == c);
  EXPECT_EQ(a.identity(), b.identity());
  EXPECT_EQ(&a.str(), &c.str());  // one copy of the text in the process
  EXPECT_EQ(a.str(), text);
  EXPECT_EQ(std::hash<interned_string>()(a), std::hash<interned_string>()(b));

  const interned_string other(text + " ");
  EXPECT_FALSE(a == other);
  EXPECT_NE(a.identity(), other.identity());
  // Texts differing only after an embedded NUL are different strings.
  const interned_string nul1(std::string_view("x\0y", 3));
  const interned_string nul2(std::string_view("x\0z", 3));
  EXPECT_FALSE(nul1 == nul2);
  EXPECT_EQ(nul1.size(), 3u);
}

TEST(interned_string, default_is_empty_and_equals_interned_empty) {
  const interned_string none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_STREQ(none.c_str(), "");
  EXPECT_TRUE(none == interned_string(""));
  EXPECT_TRUE(none == interned_string(std::string()));
  EXPECT_TRUE(none == "");
}

TEST(interned_string, compares_with_plain_text_and_orders_by_content) {
  const interned_string b("beta");
  EXPECT_TRUE(b == "beta");
  EXPECT_TRUE(b == std::string("beta"));
  EXPECT_TRUE(std::string_view("beta") == b);
  EXPECT_TRUE(b != "alpha");
  EXPECT_TRUE(b < "gamma");
  const interned_string a("alpha");
  EXPECT_TRUE(a < b);
  EXPECT_FALSE(b < a);
  const std::set<interned_string> ordered{interned_string("zeta"), b, a};
  std::vector<std::string> names;
  for (const auto& s : ordered) names.push_back(s);
  EXPECT_EQ(names, (std::vector<std::string>{"alpha", "beta", "zeta"}));
}

TEST(interned_string, reads_as_std_string_and_string_view) {
  interned_string s("aten::mm");
  const std::string& ref = s;
  const std::string_view view = s;
  EXPECT_EQ(ref, "aten::mm");
  EXPECT_EQ(view, "aten::mm");
  EXPECT_EQ(s.find("::"), 4u);
  EXPECT_EQ(s.rfind('m'), 7u);
  EXPECT_TRUE(s.starts_with("aten::"));
  EXPECT_TRUE(s.ends_with("mm"));
  EXPECT_EQ(s.substr(6), "mm");
  EXPECT_EQ(std::string(s.begin(), s.end()), "aten::mm");
  std::map<std::string, int> by_name;
  by_name[s] = 1;  // as a key of maps of std::string
  EXPECT_EQ(by_name.at("aten::mm"), 1);
  s = std::string("aten::bmm");
  EXPECT_EQ(s, "aten::bmm");
  s = "aten::addmm";
  EXPECT_EQ(s.str(), "aten::addmm");
  std::unordered_map<interned_string, int> counts;
  ++counts[interned_string("k")];
  ++counts[interned_string(std::string("k"))];
  EXPECT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts.begin()->second, 2);
}

TEST(interned_string, formats_and_prints_as_its_text) {
  const interned_string s("gemm");
  EXPECT_EQ(fmt::format("[{}]", s), "[gemm]");
  EXPECT_EQ(fmt::format("[{:>6}]", s), "[  gemm]");
  std::ostringstream out;
  out << s;
  EXPECT_EQ(out.str(), "gemm");
}

TEST(interned_string, json_is_a_plain_string_both_ways) {
  const std::string text = "void k<\"q\", '\\\\'> \xC3\xA9 \t";
  const interned_string s(text);
  json j;
  j["name"] = s;
  json expected;
  expected["name"] = text;
  EXPECT_EQ(j.dump(), expected.dump());  // byte-identical to a std::string member
  const json array = json::array({s, interned_string()});
  EXPECT_EQ(array.dump(), json::array({text, ""}).dump());

  const auto back = j.at("name").get<interned_string>();
  EXPECT_TRUE(back == s);
  EXPECT_EQ(back.identity(), s.identity());
  interned_string into;
  from_json(json("x"), into);
  EXPECT_EQ(into, "x");
  EXPECT_THROW((void)json(5).get<interned_string>(), json::type_error);
}

TEST(interned_string, concurrent_interning_yields_one_entry_per_text) {
  constexpr int k_threads = 8;
  constexpr int k_texts = 500;
  const std::size_t before = interned_string::pool_size();
  std::vector<std::vector<const std::string*>> seen(k_threads, std::vector<const std::string*>(k_texts));
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([t, &seen] {
      for (int round = 0; round < 4; ++round) {
        for (int v = 0; v < k_texts; ++v) {
          const int i = (v * 7 + t * 31) % k_texts;  // every thread in its own order
          const interned_string s("concurrent_interning kernel #" + std::to_string(i));
          if (round == 0) seen[t][i] = s.identity();
          else if (seen[t][i] != s.identity()) seen[t][i] = nullptr;  // must be stable
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int i = 0; i < k_texts; ++i) {
    ASSERT_NE(seen[0][i], nullptr);
    EXPECT_EQ(*seen[0][i], "concurrent_interning kernel #" + std::to_string(i));
    for (int t = 1; t < k_threads; ++t) EXPECT_EQ(seen[t][i], seen[0][i]) << "text " << i << ", thread " << t;
  }
  EXPECT_EQ(interned_string::pool_size(), before + k_texts);
}

}  // namespace
}  // namespace rafter
