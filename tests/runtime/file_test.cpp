// Tests for axle/file.hpp: an output_file is complete or absent, with an unnamed temporary file or,
// where there is none (or AXLE_NAMED_TEMPORARIES=1 says so), a named one that failures and
// SIGINT, SIGTERM and SIGHUP remove. The end-to-end test with a killed `axle convert` is
// tests/cli/check_interrupt.py.
#define BOOST_TEST_MODULE file
#include <boost/test/unit_test.hpp>

#include <axle/file.hpp>

#include "scratch.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

using axle::testing::slurp;
using axle::testing::spit;

struct scratch_dir : axle::testing::scratch_dir {
  scratch_dir() : axle::testing::scratch_dir("axle-file-test") {}
};

bool is_named_temporary(const std::string& name, const std::string& of) {
  const std::string prefix = "." + of + ".axle-" + std::to_string(::getpid()) + "-";
  return name.rfind(prefix, 0) == 0 && name.size() > prefix.size();
}

/// AXLE_NAMED_TEMPORARIES set for the scope.
struct named_temporaries {
  named_temporaries() { ::setenv("AXLE_NAMED_TEMPORARIES", "1", 1); }
  ~named_temporaries() { ::unsetenv("AXLE_NAMED_TEMPORARIES"); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(unnamed_until_committed) {
  scratch_dir dir;
  {
    axle::output_file out(dir.path / "w.npy", false);
    out.write(std::string_view("partial"));
    const auto during = dir.entries();
    // An unnamed file where the file system has them (Linux's ext4, xfs, btrfs, tmpfs ...).
    if (!during.empty()) {
      BOOST_TEST_MESSAGE("no O_TMPFILE here: a named temporary " << during.front());
      BOOST_CHECK(during.size() == 1 && is_named_temporary(during.front(), "w.npy"));
    }
  }
  BOOST_CHECK(dir.entries().empty());
  {
    axle::output_file out(dir.path / "w.npy", false);
    out.write(std::string_view("complete"));
    out.commit();
  }
  BOOST_CHECK(dir.entries() == std::vector<std::string>{"w.npy"});
  BOOST_CHECK_EQUAL(slurp(dir.path / "w.npy"), "complete");
}

BOOST_AUTO_TEST_CASE(named_temporary_when_asked) {
  named_temporaries named;
  scratch_dir dir;
  {
    axle::output_file out(dir.path / "w.npy", false);
    out.write(std::string_view("partial"));
    const auto during = dir.entries();
    BOOST_REQUIRE_EQUAL(during.size(), 1u);
    BOOST_CHECK(is_named_temporary(during.front(), "w.npy"));
    BOOST_CHECK_EQUAL(slurp(dir.path / during.front()), "partial");
  }
  BOOST_CHECK(dir.entries().empty());  // abandoned: removed
  spit(dir.path / "w.npy", "old");
  {
    axle::output_file out(dir.path / "w.npy", true);
    out.write(std::string_view("new"));
    BOOST_CHECK_EQUAL(dir.entries().size(), 2u);
    BOOST_CHECK_EQUAL(slurp(dir.path / "w.npy"), "old");  // intact until the new file is complete
    out.commit();
  }
  BOOST_CHECK(dir.entries() == std::vector<std::string>{"w.npy"});
  BOOST_CHECK_EQUAL(slurp(dir.path / "w.npy"), "new");
}

// write_options{force, sync}: without the flush the file is as complete, as atomic and as careful
// of an existing file; only the flush to disk is left out (tests/checkpoints/check_checkpoints.py
// sees the system calls). A plain bool is `force`, as before.
BOOST_AUTO_TEST_CASE(unsynced_outputs_are_as_complete) {
  static_assert(axle::write_options(true).force && axle::write_options(true).sync);
  static_assert(!axle::write_options().force && axle::write_options().sync);
  static_assert(!axle::write_options(false, false).sync);
  for (bool named : {false, true}) {
    BOOST_TEST_CONTEXT((named ? "named temporaries" : "unnamed files")) {
      if (named) ::setenv("AXLE_NAMED_TEMPORARIES", "1", 1);
      scratch_dir dir;
      {
        axle::output_file out(dir.path / "w.npy", axle::write_options(false, false));
        out.write(std::string_view("partial"));
      }
      BOOST_CHECK(dir.entries().empty());
      {
        axle::output_file out(dir.path / "w.npy", axle::write_options(false, false));
        out.reserve(8);
        out.write_at(0, std::as_bytes(std::span<const char>("complete", 8)));
        out.commit();
      }
      BOOST_CHECK(dir.entries() == std::vector<std::string>{"w.npy"});
      BOOST_CHECK_EQUAL(slurp(dir.path / "w.npy"), "complete");
      BOOST_CHECK_THROW(axle::output_file(dir.path / "w.npy", axle::write_options(false, false)), axle::file_error);
      {
        axle::output_file out(dir.path / "w.npy", axle::write_options(true, false));
        out.write(std::string_view("new"));
        BOOST_CHECK_EQUAL(slurp(dir.path / "w.npy"), "complete");
        out.commit();
      }
      BOOST_CHECK(dir.entries() == std::vector<std::string>{"w.npy"});
      BOOST_CHECK_EQUAL(slurp(dir.path / "w.npy"), "new");
      ::unsetenv("AXLE_NAMED_TEMPORARIES");
    }
  }
}

/// Runs `child` in a forked process that ends with `sig`; returns whether it did.
template <class F>
bool ends_by_signal(int sig, F&& child) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    child();
    ::_exit(0);  // not reached when the signal ends the process
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

BOOST_AUTO_TEST_CASE(signals_remove_named_temporaries) {
  named_temporaries named;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    for (bool force : {false, true}) {
      BOOST_TEST_CONTEXT("signal " << sig << (force ? ", over an existing file" : "")) {
        scratch_dir dir;
        if (force) spit(dir.path / "w.npy", "old");
        BOOST_CHECK(ends_by_signal(sig, [&] {
          axle::remove_temporaries_on_signal();
          axle::output_file out(dir.path / "w.npy", force);
          out.write(std::string_view("partial"));
          std::raise(sig);
        }));
        BOOST_CHECK(dir.entries() == (force ? std::vector<std::string>{"w.npy"} : std::vector<std::string>{}));
        if (force) BOOST_CHECK_EQUAL(slurp(dir.path / "w.npy"), "old");
      }
    }
  }
}

// What no handler can do: SIGKILL leaves the named temporary (and only it; the destination is
// intact). With an unnamed file nothing is left, which tests/cli/check_interrupt.py shows.
BOOST_AUTO_TEST_CASE(sigkill_leaves_only_the_named_temporary) {
  named_temporaries named;
  scratch_dir dir;
  spit(dir.path / "w.npy", "old");
  BOOST_CHECK(ends_by_signal(SIGKILL, [&] {
    axle::remove_temporaries_on_signal();
    axle::output_file out(dir.path / "w.npy", true);
    out.write(std::string_view("partial"));
    std::raise(SIGKILL);
  }));
  const auto left = dir.entries();
  BOOST_CHECK_EQUAL(left.size(), 2u);
  BOOST_CHECK_EQUAL(slurp(dir.path / "w.npy"), "old");
}

BOOST_AUTO_TEST_CASE(unnamed_files_leave_nothing_when_killed) {
  scratch_dir dir;
  spit(dir.path / "w.npy", "old");
  BOOST_CHECK(ends_by_signal(SIGKILL, [&] {
    axle::output_file out(dir.path / "w.npy", true);
    out.write(std::string_view("partial"));
    std::raise(SIGKILL);
  }));
  BOOST_CHECK_EQUAL(slurp(dir.path / "w.npy"), "old");
  const int probe = ::open(dir.path.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (probe < 0) {
    BOOST_TEST_MESSAGE("no O_TMPFILE on this file system: SIGKILL may leave a named temporary");
    return;
  }
  ::close(probe);
  BOOST_CHECK(dir.entries() == std::vector<std::string>{"w.npy"});
}
