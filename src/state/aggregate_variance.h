#pragma once
// var(x) and stddev(x): the sample variance (n - 1 denominator, as DuckDB's
// var_samp and stddev_samp) of the numbers of a group, computed from exact
// sums so that it does not depend on the order of records or merges.

#include <cstdint>
#include <memory>
#include <optional>

#include "aggregate.h"
#include "exact_sum.h"

namespace clusterproc {

/// Adds x * x to s exactly (FMA two-product: hi = x * x, lo = fma(x, x, -hi)).
/// Exact for 2^-458 <= |x| < 2^512; larger |x| overflow (s becomes +inf),
/// smaller ones may lose their lowest bits to subnormal rounding.
void addSquare(ExactFloatSum& s, double x);

/// Sample variance of n numbers with exact sum `sum` and exact sum of squares
/// `squares`: (n * squares - sum^2) / (n * (n - 1)). The numerator is
/// computed exactly (the sums are expanded into non-overlapping doubles and
/// multiplied with two-products), then divided in long double and rounded
/// once more to double: the relative error is below 2^-52 for n < 2^32.
/// nullopt when n < 2 or a sum is not finite.
std::optional<double> sampleVariance(uint64_t n, const ExactFloatSum& sum,
                                     const ExactFloatSum& squares);

/// sqrt of sampleVariance, taken before the final rounding.
std::optional<double> sampleStddev(uint64_t n, const ExactFloatSum& sum,
                                   const ExactFloatSum& squares);

/// The column of var(x), or of stddev(x).
std::unique_ptr<AggColumn> makeVarianceColumn(bool stddev);

}  // namespace clusterproc
