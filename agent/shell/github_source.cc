#include "agent/shell/github_source.h"

#include <vector>

#include "agent/decide/github_releases.h"

namespace nymvisor {
namespace {

constexpr int kMaxPages = 10;

HttpRequest ApiRequest(const GithubSource& source, const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.max_bytes = 16 << 20;  // 100 releases with their assets
  request.rate_limit_is_an_answer = true;
  request.absent_is_an_answer = true;  // told apart: no such repository
  request.headers = {{"Accept", "application/vnd.github+json"},
                     {"X-GitHub-Api-Version", "2022-11-28"}};
  if (!source.token.empty()) request.headers.push_back({"Authorization", "Bearer " + source.token});
  return request;
}

GithubCheck RateLimited(const HttpResponse& r, Timestamp now) {
  GithubCheck check;
  check.kind = GithubCheck::Kind::kRateLimited;
  check.retry_at = GithubRetryAt(r.status, r.Header("x-ratelimit-remaining"),
                                 r.Header("x-ratelimit-reset"), r.Header("retry-after"), now);
  check.reason = "GitHub answered " + std::to_string(r.status) + " (rate limit; " +
                 r.Header("x-ratelimit-remaining") + " requests left)";
  return check;
}

}  // namespace

std::string GithubSource::ReleasesUrl() const {
  std::string base = api_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/repos/" + repository + "/releases?per_page=100";
}

Result<GithubCheck> CheckGithubReleases(HttpClient& http, const GithubSource& source,
                                        const std::string& etag, Timestamp now) {
  std::vector<GithubRelease> releases;
  GithubCheck check;
  std::string url = source.ReleasesUrl();
  for (int page = 0; page < kMaxPages && !url.empty(); ++page) {
    HttpRequest request = ApiRequest(source, url);
    if (page == 0) request.if_none_match = etag;
    std::string body;
    NV_ASSIGN_OR_RETURN(HttpResponse response, http.Get(request, CollectBody(&body)));
    if (response.RateLimited()) return RateLimited(response, now);
    if (response.Absent()) {
      return Status::NotFound("GitHub answered " + std::to_string(response.status) + " for " + url +
                              ": no repository " + source.repository + " there");
    }
    if (response.NotModified()) {
      check.kind = GithubCheck::Kind::kNotModified;
      return check;
    }
    if (page == 0) check.etag = response.etag;
    Result<std::vector<GithubRelease>> parsed = ParseGithubReleases(body);
    if (!parsed.ok()) return parsed.status().WithContext("GitHub's releases list " + url);
    releases.insert(releases.end(), parsed->begin(), parsed->end());
    url = NextPageUrl(response.Header("link"));
  }
  std::optional<GithubRelease> chosen =
      ChooseGithubRelease(releases, source.tag_prefix, source.binary, &check.reason);
  if (!chosen) return check;  // kNothing, with the reason
  const GithubAsset* hashes = chosen->Asset("hashes.json");
  HttpRequest request;  // the asset host: no token, no API headers
  request.url = hashes->download_url;
  std::string body;
  NV_RETURN_IF_ERROR(http.Get(request, CollectBody(&body)).status());
  Result<UpgradeInfo> offer =
      UpgradeFromHashes(*chosen, body, source.binary, source.platform, source.delay);
  if (!offer.ok()) {
    check.kind = GithubCheck::Kind::kRefused;
    check.reason = offer.status().message();
    return check;
  }
  check.kind = GithubCheck::Kind::kOffer;
  check.offer = *offer;
  return check;
}

}  // namespace nymvisor
