#pragma once

namespace rafter {

/// Inline JavaScript shared by the HTML reports: clicking a header of a `table.sortable` sorts its
/// body; cells sort by their `data-sort` attribute when numeric, else by text. Without script the
/// tables read the same.
extern const char* const sortable_tables_script;

}  // namespace rafter
