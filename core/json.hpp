#pragma once

#include <nlohmann/json.hpp>

namespace rafter {

/// rafter's JSON value: keys keep their insertion order so documents read top-down
/// ("schema" first).
using json = nlohmann::ordered_json;

}  // namespace rafter
