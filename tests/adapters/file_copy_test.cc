#include "agent/adapters/file_copy.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::ReadFileOrDie;
using testing::TempDir;
using testing::WriteFile;

constexpr off_t kMiB = 1 << 20;

/// tmpfs, which has no reflinks: tests of writing only the changed blocks
/// take that path whatever filesystem the temporary directory is on.
constexpr char kNoReflinks[] = "/dev/shm";

/// A file of `size` bytes whose only data is `data` at `offset`: the rest is a hole.
void WriteSparse(const std::filesystem::path& path, off_t size, off_t offset,
                 const std::string& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, size), 0);
  ASSERT_EQ(::pwrite(fd, data.data(), data.size(), offset), static_cast<ssize_t>(data.size()));
  ::close(fd);
}

off_t Allocated(const std::filesystem::path& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_blocks * 512;
}

TEST(CopyFileData, KeepsASparseFileSparse) {
  TempDir dir;
  WriteSparse(dir / "sparse", 64 * kMiB, 40 * kMiB, "data in the middle");
  CopyStats stats;
  ASSERT_TRUE(CopyFileData(dir / "sparse", dir / "copy", &stats).ok());
  EXPECT_EQ(std::filesystem::file_size(dir / "copy"), 64u * kMiB);
  EXPECT_LT(Allocated(dir / "copy"), kMiB) << "only the data block is allocated";
  EXPECT_LT(stats.bytes_written, static_cast<uint64_t>(kMiB));
  EXPECT_EQ(ReadFileOrDie(dir / "copy"), ReadFileOrDie(dir / "sparse"));
}

TEST(CopyFileData, RefusesToWriteThroughASymlinkOrOverAFile) {
  TempDir dir;
  WriteFile(dir / "src", "data");
  WriteFile(dir / "victim", "mine");
  std::filesystem::create_symlink(dir / "victim", dir / "dst");
  CopyStats stats;
  EXPECT_FALSE(CopyFileData(dir / "src", dir / "dst", &stats).ok());
  EXPECT_FALSE(CopyFileData(dir / "src", dir / "victim", &stats).ok());
  EXPECT_EQ(ReadFileOrDie(dir / "victim"), "mine");
}

TEST(UpdateFileInPlace, WritesOnlyTheBlocksThatDiffer) {
  TempDir dir(kNoReflinks);
  std::string data(8 * kMiB, 'a');
  WriteFile(dir / "old", data);
  data[5 * kMiB + 7] = 'b';
  WriteFile(dir / "new", data);
  CopyStats stats;
  ASSERT_TRUE(UpdateFileInPlace(dir / "new", dir / "old", &stats).ok());
  EXPECT_EQ(ReadFileOrDie(dir / "old"), data);
  EXPECT_EQ(stats.bytes_written, 64u << 10) << "one 64 KiB block";
  EXPECT_EQ(stats.files_patched, 1u);
}

TEST(UpdateFileInPlace, FollowsAFileThatGrewOrShrank) {
  TempDir dir(kNoReflinks);
  WriteFile(dir / "old", std::string(3 * kMiB, 'a'));
  WriteFile(dir / "longer", std::string(3 * kMiB, 'a') + "tail");
  CopyStats stats;
  ASSERT_TRUE(UpdateFileInPlace(dir / "longer", dir / "old", &stats).ok());
  EXPECT_EQ(ReadFileOrDie(dir / "old"), ReadFileOrDie(dir / "longer"));
  EXPECT_EQ(stats.bytes_written, 4u);
  WriteFile(dir / "shorter", std::string(kMiB + 3, 'a'));
  ASSERT_TRUE(UpdateFileInPlace(dir / "shorter", dir / "old", &stats).ok());
  EXPECT_EQ(ReadFileOrDie(dir / "old"), ReadFileOrDie(dir / "shorter"));
}

TEST(UpdateFileInPlace, AHoleInTheSourceBecomesAHole) {
  TempDir dir;
  WriteFile(dir / "old", std::string(16 * kMiB, 'x'));
  WriteSparse(dir / "new", 16 * kMiB, 0, "x");
  CopyStats stats;
  ASSERT_TRUE(UpdateFileInPlace(dir / "new", dir / "old", &stats).ok());
  EXPECT_EQ(ReadFileOrDie(dir / "old"), ReadFileOrDie(dir / "new"));
  EXPECT_LT(Allocated(dir / "old"), 2 * kMiB);
}

TEST(UpdateFileInPlace, ASourceInUseIsReadNotMappedWithTheSameResult) {
  TempDir dir(kNoReflinks);
  std::string data(8 * kMiB, 'a');
  WriteFile(dir / "old", data);
  data[5 * kMiB + 7] = 'b';
  std::fill(data.begin() + kMiB, data.begin() + 2 * kMiB, '\0');
  WriteFile(dir / "new", data + "tail");
  CopyStats stats;
  ASSERT_TRUE(UpdateFileInPlace(dir / "new", dir / "old", &stats, true).ok());
  EXPECT_EQ(ReadFileOrDie(dir / "old"), data + "tail");
  EXPECT_EQ(stats.bytes_written, (64u << 10) + 4) << "one block and the tail; zeros punched";
  EXPECT_LE(Allocated(dir / "old"), 7 * kMiB + (64 << 10));
}

TEST(UpdateFileInPlace, ASourceInUseMayShrinkWhileItIsRead) {
  // A node truncating its database (a WAL checkpoint) during the copy ahead
  // of the stop: a mapping would kill the agent with SIGBUS.
  TempDir dir;
  WriteFile(dir / "new", std::string(32 * kMiB, 'n'));
  WriteFile(dir / "old", std::string(32 * kMiB, 'o'));
  std::atomic<bool> stop = false;
  std::thread node([&] {
    int fd = ::open((dir / "new").c_str(), O_WRONLY);
    for (int i = 0; !stop; ++i) ASSERT_EQ(::ftruncate(fd, i % 2 ? 32 * kMiB : kMiB), 0);
    ::close(fd);
  });
  for (int i = 0; i < 20; ++i) {
    CopyStats stats;
    EXPECT_TRUE(UpdateFileInPlace(dir / "new", dir / "old", &stats, true).ok());
  }
  stop = true;
  node.join();
}

/// A directory on a filesystem with reflinks (XFS, btrfs), from
/// $NYMVISOR_TEST_REFLINK_DIR (scripts/test.sh mounts one); empty if unset.
std::string ReflinkBase() {
  const char* base = std::getenv("NYMVISOR_TEST_REFLINK_DIR");
  return base ? base : "";
}

/// Whether the first extent of `path` is shared with another file (FIEMAP).
bool FirstExtentShared(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  alignas(struct fiemap) char buffer[sizeof(struct fiemap) + sizeof(struct fiemap_extent)] = {};
  auto* map = reinterpret_cast<struct fiemap*>(buffer);
  map->fm_length = FIEMAP_MAX_OFFSET;
  map->fm_extent_count = 1;
  bool shared = ::ioctl(fd, FS_IOC_FIEMAP, map) == 0 && map->fm_mapped_extents == 1 &&
                (map->fm_extents[0].fe_flags & FIEMAP_EXTENT_SHARED) != 0;
  ::close(fd);
  return shared;
}

TEST(UpdateFileInPlace, OnAFilesystemWithReflinksTheFileIsClonedNotCompared) {
  if (ReflinkBase().empty()) GTEST_SKIP() << "NYMVISOR_TEST_REFLINK_DIR is not set";
  TempDir dir(ReflinkBase());
  std::string data(3 * kMiB + 123, 'n');  // not a whole number of blocks
  data[2 * kMiB] = 'x';
  WriteFile(dir / "new", data);
  for (off_t old_size : {5 * kMiB, kMiB + 7}) {  // larger, then smaller than the source
    WriteFile(dir / "old", std::string(old_size, 'o'));
    CopyStats stats;
    ASSERT_TRUE(UpdateFileInPlace(dir / "new", dir / "old", &stats).ok());
    EXPECT_EQ(ReadFileOrDie(dir / "old"), data);
    EXPECT_EQ(stats.bytes_written, 0u) << "a reflink writes no data";
    EXPECT_EQ(stats.files_patched, 1u);
    EXPECT_TRUE(FirstExtentShared(dir / "old"));
  }
  WriteFile(dir / "old", "written after");  // a write to the copy stays its own
  EXPECT_EQ(ReadFileOrDie(dir / "new"), data);
}

}  // namespace
}  // namespace nymvisor
