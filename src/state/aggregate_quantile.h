#pragma once
// quantile(x, q), median(x) (a DDSketch, ddsketch.h) and quantile_exact(x, q)
// (every number kept).

#include <memory>

#include "aggregate.h"

namespace clusterproc {

/// The column of quantile(x, q) (median: q = 0.5): the DDSketch estimate of
/// the value of rank floor(q * (n - 1)) among the numbers, as a double.
std::unique_ptr<AggColumn> makeSketchQuantileColumn(double q);

/// The column of quantile_exact(x, q): the number of rank floor(q * (n - 1))
/// in ascending order, as it was written (an int stays an int). Among equal
/// numbers, integers sort before doubles (and 0.0 before -0.0).
std::unique_ptr<AggColumn> makeExactQuantileColumn(double q);

}  // namespace clusterproc
