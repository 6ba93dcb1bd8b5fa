// The time functions: epoch without a zone, strptime, strftime, date_trunc
// and time_bucket.

#include <catch2/catch.hpp>
#include <string>

#include "expr.h"
#include "expr_test_util.h"

using clusterproc::parseExpr;
using clusterproc::testing::checkJson;
using clusterproc::testing::Eval;
using clusterproc::testing::whereError;

namespace {

const char* kRecord =
    R"({"ts":"2024-03-01T12:34:56.789Z","t":1709296496,"f":1709296496.25,
  "local":"2024-03-01 12:34:56","bad":"yesterday","n":null,"sun":"2024-03-03T23:59:59Z"})";

}  // namespace

TEST_CASE("epoch reads a time stamp without a zone as UTC") {
  Eval e(kRecord);
  checkJson(e, {
                   {"epoch('2024-03-01T12:00:00')", "1709294400"},
                   {"epoch('2024-03-01 12:00:00')", "1709294400"},
                   {"epoch('2024-03-01 12:00:00.5')", "1709294400.5"},
                   {"epoch(local)", "1709296496"},
                   {"epoch('2024-03-01 12:00')", "null"},
                   {"epoch('2024-03-01T12:00:00.')", "null"},
               });
}

TEST_CASE("strptime parses by a format to epoch seconds") {
  Eval e(kRecord);
  CHECK(e.json("strptime('2024-03-01 12:34:56', '%Y-%m-%d %H:%M:%S')") ==
        "1709296496");
  CHECK(e.json(
            "strptime('01/Mar/2024:12:34:56 +0100', '%d/%b/%Y:%H:%M:%S %z')") ==
        "1709292896");
  CHECK(e.json(
            "strptime('2024-03-01T12:34:56.250Z', '%Y-%m-%dT%H:%M:%S.%f%z')") ==
        "1709296496.25");
  CHECK(e.json("strptime('March 1, 2024 1:05 PM', '%B %d, %Y %I:%M %p')") ==
        "1709298300");
  checkJson(e, {
                   {"strptime('2024-061', '%Y-%j')", "1709251200"},
                   {"strptime('1709296496', '%s')", "1709296496"},
                   {"strptime('2024-03-01 12:34:56', '%F %T')", "1709296496"},
               });
}

TEST_CASE("strptime gives null when the text does not match") {
  Eval e(kRecord);
  checkJson(e, {
                   {"strptime('2024-02-30', '%Y-%m-%d')", "null"},
                   {"strptime('2024-03-01 extra', '%Y-%m-%d')", "null"},
                   {"strptime(bad, '%Y')", "null"},
                   {"strptime(n, '%Y')", "null"},
                   {"strptime(t, '%Y')", "null"},
               });
}

TEST_CASE("strftime formats epoch seconds or a time stamp in UTC") {
  Eval e(kRecord);
  CHECK(e.json("strftime(t, '%Y-%m-%d %H:%M:%S')") ==
        R"("2024-03-01 12:34:56")");
  CHECK(e.json("strftime(f, '%H:%M:%S.%f')") == R"("12:34:56.250000")");
  CHECK(e.json("strftime(ts, '%a %d %b %Y, %j, %I %p %Z')") ==
        R"("Fri 01 Mar 2024, 061, 12 PM UTC")");
  CHECK(e.json("strftime(0, '%A %B %e %u %w %s %%')") ==
        R"("Thursday January  1 4 4 0 %")");
  checkJson(e, {
                   {"strftime(-1, '%F %T')", R"("1969-12-31 23:59:59")"},
                   {"strftime(bad, '%Y')", "null"},
                   {"strftime(n, '%Y')", "null"},
               });
}

TEST_CASE("date_trunc keeps the type of its time argument") {
  Eval e(kRecord);
  checkJson(e, {
                   {"date_trunc('hour', ts)", R"("2024-03-01T12:00:00Z")"},
                   {"date_trunc('hour', t)", "1709294400"},
                   {"date_trunc('second', f)", "1709296496"},
                   {"date_trunc('minute', ts)", R"("2024-03-01T12:34:00Z")"},
                   {"date_trunc('day', local)", R"("2024-03-01T00:00:00Z")"},
                   {"date_trunc('week', ts)", R"("2024-02-26T00:00:00Z")"},
                   {"date_trunc('week', sun)", R"("2024-02-26T00:00:00Z")"},
                   {"date_trunc('month', ts)", R"("2024-03-01T00:00:00Z")"},
               });
  CHECK(e.json("date_trunc('quarter', '2024-08-15T10:00:00+02:00')") ==
        R"("2024-07-01T00:00:00Z")");
  checkJson(e, {
                   {"date_trunc('YEAR', ts)", R"("2024-01-01T00:00:00Z")"},
                   {"date_trunc('hours', -1)", "-3600"},
                   {"date_trunc('day', bad)", "null"},
               });
}

TEST_CASE("time_bucket cuts time into fixed widths from the epoch") {
  Eval e(kRecord);
  checkJson(e, {
                   {"time_bucket(ts, '5m')", R"("2024-03-01T12:30:00Z")"},
                   {"time_bucket(t, '30s')", "1709296470"},
                   {"time_bucket(f, '1h')", "1709294400"},
                   {"time_bucket(ts, '1d')", R"("2024-03-01T00:00:00Z")"},
                   {"time_bucket('5m', ts)", R"("2024-03-01T12:30:00Z")"},
                   {"time_bucket(-1, '1m')", "-60"},
                   {"time_bucket(n, '1m')", "null"},
               });
}

TEST_CASE("time functions check their constant arguments at parse time") {
  CHECK(whereError("date_trunc('fortnight', ts)") ==
        "error in --where at column 12: date_trunc() takes a constant unit: "
        "'second', "
        "'minute', 'hour', 'day', 'week', 'month', 'quarter' or 'year'");
  CHECK(whereError("time_bucket(ts, '5x')") ==
        "error in --where at column 17: time_bucket() takes a constant width "
        "such as '30s', "
        "'5m', '1h' or '1d'");
  CHECK(whereError("time_bucket(ts, w)") ==
        "error in --where at column 17: time_bucket() takes a constant width "
        "such as '30s', "
        "'5m', '1h' or '1d'");
  CHECK(whereError("strftime(t, '%Q')") ==
        "error in --where at column 13: unknown directive in the format (see "
        "docs/expressions.md)");
  CHECK(whereError("strptime(s, '%Y%')") ==
        "error in --where at column 13: unknown directive in the format (see "
        "docs/expressions.md)");
}
