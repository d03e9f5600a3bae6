#include "core/output_file.hpp"

#include "core/atomic_file.hpp"
#include "core/gzip_stream.hpp"

namespace rafter {

output_file::output_file(const std::filesystem::path& path) : m_file(std::make_unique<atomic_file>(path)) {
  const std::string name = path.filename().string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) m_zip = std::make_unique<gzip_stream>();
}

output_file::~output_file() = default;

void output_file::drain(bool last) {
  if (m_zip) {
    m_packed.clear();
    m_zip->compress(m_text, m_packed);
    if (last) m_zip->finish(m_packed);
    m_file->write(m_packed);
  } else {
    m_file->write(m_text);
  }
  m_text.clear();
}

void output_file::commit() {
  drain(true);
  m_file->commit();
}

void output_file::write(const std::filesystem::path& path, std::string_view text) {
  output_file out(path);
  out.text().assign(text);
  out.commit();
}

}  // namespace rafter
