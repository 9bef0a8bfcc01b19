#include "agent/adapters/copy_preflight.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "agent/adapters/file_copy.h"

namespace nymvisor {
namespace {

struct stat Own(mode_t mode, off_t size = 10) {
  struct stat st {};
  st.st_mode = mode;
  st.st_size = size;
  st.st_uid = ::geteuid();
  st.st_gid = ::getegid();
  return st;
}

std::string Refusal(const struct stat& st) {
  Status status = CheckCopyableBack(st, "/home/nym/x");
  return status.ok() ? "" : status.message();
}

TEST(CheckCopyableBack, AcceptsWhatASyncCanWriteBack) {
  EXPECT_EQ(Refusal(Own(S_IFDIR | 0700)), "");
  EXPECT_EQ(Refusal(Own(S_IFREG | 0444)), "") << "a small file is replaced, not written";
  EXPECT_EQ(Refusal(Own(S_IFREG | 0644, kBlockDeltaMinSize)), "");
  EXPECT_EQ(Refusal(Own(S_IFLNK | 0777)), "");
}

TEST(CheckCopyableBack, RefusesNamingThePathAndTheFix) {
  EXPECT_NE(Refusal(Own(S_IFDIR | 0555))
                .find("/home/nym/x is a directory its owner may not "
                      "write (mode 0555)"),
            std::string::npos);
  EXPECT_NE(Refusal(Own(S_IFDIR | 0555)).find("run 'chmod u+w /home/nym/x'"), std::string::npos);
  EXPECT_NE(Refusal(Own(S_IFREG | 0444, kBlockDeltaMinSize)).find("1 MiB or more"),
            std::string::npos);
  struct stat theirs = Own(S_IFREG | 0644);
  theirs.st_uid = ::geteuid() + 1;
  EXPECT_NE(Refusal(theirs).find("chown -h "), std::string::npos);
  EXPECT_NE(Refusal(theirs).find("add-upgrade ... --force"), std::string::npos);
}

}  // namespace
}  // namespace nymvisor
