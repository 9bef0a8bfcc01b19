#include "agent/decide/preflight.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

constexpr uint64_t kMib = 1024 * 1024;

TEST(DecideDownloadRoom, TheDownloadMustFitAndTheBackupTooOnTheSameFilesystem) {
  DownloadRoom room;
  room.download_bytes = 40 * kMib;
  room.staging_free = 50 * kMib;
  room.backup_bytes = 20 * kMib;
  EXPECT_TRUE(DecideDownloadRoom(room).ok()) << "backups go elsewhere";
  room.backup_on_staging_filesystem = true;
  Status st = DecideDownloadRoom(room);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(),
            "preflight: the download needs 40 MiB and the backup about 20 MiB but only 50 MiB "
            "are free for upgrade_data_directory; free some space or move it");
  room.staging_free = 60 * kMib;
  EXPECT_TRUE(DecideDownloadRoom(room).ok());
  room.backup_on_staging_filesystem = false;
  room.staging_free = 39 * kMib;
  EXPECT_EQ(DecideDownloadRoom(room).message(),
            "preflight: the download needs 40 MiB but only 39 MiB are free for "
            "upgrade_data_directory; free some space or move it");
}

}  // namespace
}  // namespace nymvisor
