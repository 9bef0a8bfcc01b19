#ifndef NYMVISOR_AGENT_SHELL_GITHUB_SOURCE_H_
#define NYMVISOR_AGENT_SHELL_GITHUB_SOURCE_H_

#include <optional>
#include <string>

#include "agent/base/duration.h"
#include "agent/base/status.h"
#include "agent/base/timestamp.h"
#include "agent/ports/http_client.h"
#include "agent/records/upgrade_info.h"

namespace nymvisor {

/// Following one release train of a GitHub repository. Plain value.
struct GithubSource {
  std::string api_url = "https://api.github.com";
  std::string repository = "nymtech/nym";
  std::string tag_prefix = "nym-binaries-v";
  std::string binary;    ///< the daemon's name: the asset to take
  std::string platform;  ///< the platform key the record gets (linux-x86_64)
  Duration delay{};      ///< upgrade time = publish time + delay
  std::string token;     ///< empty: anonymous; never logged, sent only to the API host
  /// The first page of the releases list.
  std::string ReleasesUrl() const;
};

/// What one look at the releases found.
struct GithubCheck {
  enum class Kind {
    kNotModified,  ///< the list is unchanged (304: no rate limit spent)
    kOffer,        ///< `offer` is the newest release of the train
    kNothing,      ///< no release of the train is ready; `reason` says what was seen
    kRefused,      ///< the newest ready release cannot be used; `reason` names why
    kRateLimited,  ///< try again at `retry_at`
  };
  Kind kind = Kind::kNothing;
  UpgradeInfo offer;
  std::string reason;
  Timestamp retry_at;
  std::string etag;  ///< of the first page, for the next conditional request
};

/// Lists the releases (conditional on `etag`; rel="next" followed, at most
/// ten pages), chooses the newest ready release of the train
/// (decide/github_releases.h), reads its hashes.json and builds the upgrade
/// record. Never follows releases/latest. Network trouble is an error
/// (Unavailable). Blocking: runs on the worker.
Result<GithubCheck> CheckGithubReleases(HttpClient& http, const GithubSource& source,
                                        const std::string& etag, Timestamp now);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_GITHUB_SOURCE_H_
