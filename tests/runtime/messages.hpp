// Checks on exception messages, shared by the run-time tests: an error is part of the interface,
// so its text is asserted, not only its type.
#pragma once

#include <boost/test/unit_test.hpp>

#include <string>

namespace axle::testing {

/// Checks that `f` throws E whose message is exactly `message`.
template <class E, class F>
void check_message(F&& f, const std::string& message) {
  try {
    f();
    BOOST_ERROR("no exception; expected: " << message);
  } catch (const E& e) {
    BOOST_TEST(std::string(e.what()) == message);
  }
}

/// Checks that `f` throws E whose message contains `part`.
template <class E, class F>
void check_message_contains(F&& f, const std::string& part) {
  try {
    f();
    BOOST_ERROR("no exception; expected one containing: " << part);
  } catch (const E& e) {
    BOOST_TEST(std::string(e.what()).find(part) != std::string::npos, "message: " << e.what());
  }
}

}  // namespace axle::testing
