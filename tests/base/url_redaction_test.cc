#include "agent/base/url_redaction.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(RedactUrl, HidesThePasswordAndKeepsTheRest) {
  EXPECT_EQ(RedactUrl("http://user:password@host:8080/a/b?x=1"),
            "http://user:***@host:8080/a/b?x=1");
  EXPECT_EQ(RedactUrl("https://ops:s3cr%40t@mirror.example/nym/"),
            "https://ops:***@mirror.example/nym/");
}

TEST(RedactUrl, HidesALoneUserNameWhichMayBeAToken) {
  EXPECT_EQ(RedactUrl("https://ghp_abc123@host/x"), "https://***@host/x");
  EXPECT_EQ(RedactUrl("https://:pw@host"), "https://:***@host");
}

TEST(RedactUrl, ThePasswordEndsAtTheLastAtSign) {
  EXPECT_EQ(RedactUrl("http://u:p@ss@host/x"), "http://u:***@host/x");
}

TEST(RedactUrl, LeavesUrlsWithoutCredentialsAlone) {
  EXPECT_EQ(RedactUrl("https://nymtech.net/.wellknown/"), "https://nymtech.net/.wellknown/");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:1/x@y"), "http://127.0.0.1:1/x@y")
      << "an @ in the path is not userinfo";
  EXPECT_EQ(RedactUrl("http://h/?q=a@b#c@d"), "http://h/?q=a@b#c@d");
  EXPECT_EQ(RedactUrl(""), "");
  EXPECT_EQ(RedactUrl("not a url"), "not a url");
}

TEST(RedactUrlsIn, RedactsEveryUrlInAMessage) {
  EXPECT_EQ(RedactUrlsIn("GET http://a:b@one/x: HTTP status 404 from 'https://c:d@two/y' and "
                         "ftp://e@three"),
            "GET http://a:***@one/x: HTTP status 404 from 'https://c:***@two/y' and "
            "ftp://***@three");
  EXPECT_EQ(RedactUrlsIn("email admin@example.org, no url"), "email admin@example.org, no url");
  EXPECT_EQ(RedactUrlsIn("://user:pw@host"), "://user:pw@host") << "no scheme, not a URL";
  EXPECT_EQ(RedactUrlsIn("\"http://u:p@h\""), "\"http://u:***@h\"") << "quoted, as JSON has it";
  EXPECT_EQ(RedactUrlsIn("x http://u:p@h\ny"), "x http://u:***@h\ny");
}

}  // namespace
}  // namespace nymvisor
