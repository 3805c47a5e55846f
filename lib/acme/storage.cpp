#include "acme/storage.hpp"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace linktrack::acme {
namespace fs = std::filesystem;
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Write to a temporary name beside the file, 0600, synced; then rename over it.
void write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, 0600);  // a file left by an older umask
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot replace " + path + ": " + std::strerror(errno));
  }
}

std::string digest8(const std::string& text) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), d);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    out += hex[d[i] >> 4];
    out += hex[d[i] & 15];
  }
  return out;
}

std::int64_t unix_of(const ASN1_TIME* t) {
  struct tm tm {};
  ASN1_TIME_to_tm(t, &tm);
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace

bool storable_host(const std::string& host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-')
    return false;
  for (char c : host)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  return host.find("..") == std::string::npos;
}

std::optional<Validity> leaf_validity(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);  // skips the key block
  BIO_free(bio);
  if (!cert) return std::nullopt;
  Validity v{unix_of(X509_get0_notBefore(cert)), unix_of(X509_get0_notAfter(cert))};
  X509_free(cert);
  return v;
}

Storage::Storage(std::string root) : root_(std::move(root)) {}

void Storage::prepare() const {
  for (const char* sub : {"", "/accounts", "/certificates", "/locks", "/renew", "/status"}) {
    const std::string dir = root_ + sub;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
      throw std::runtime_error("cannot make the ACME storage folder " + dir + ": " + ec.message());
    ::chmod(dir.c_str(), 0700);
  }
}

std::string Storage::account_dir(const std::string& directory_url) const {
  return root_ + "/accounts/" + digest8(directory_url);
}

std::optional<std::string> Storage::read_account_key(const std::string& directory_url) const {
  return read_file(account_dir(directory_url) + "/key.pem");
}

namespace {
std::string made(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  ::chmod(dir.c_str(), 0700);
  return dir;
}
}  // namespace

void Storage::write_account_key(const std::string& directory_url, const std::string& pem) const {
  write_file(made(account_dir(directory_url)) + "/key.pem", pem);
}

std::string Storage::read_account_url(const std::string& directory_url) const {
  auto text = read_file(account_dir(directory_url) + "/account.json");
  if (!text) return {};
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object() || j.value("directory", "") != directory_url) return {};
  return j.value("url", "");
}

void Storage::write_account_url(const std::string& directory_url, const std::string& url) const {
  write_file(made(account_dir(directory_url)) + "/account.json",
             nlohmann::json{{"directory", directory_url}, {"url", url}}.dump(2) + "\n");
}

std::string Storage::certificate_path(const std::string& host) const {
  return root_ + "/certificates/" + host + ".pem";
}

std::optional<StoredCertificate> Storage::read_certificate(const std::string& host) const {
  if (!storable_host(host)) return std::nullopt;
  const std::string path = certificate_path(host);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  auto pem = read_file(path);
  if (!pem) return std::nullopt;
  auto validity = leaf_validity(*pem);
  if (!validity) return std::nullopt;
  return StoredCertificate{host, std::move(*pem), validity->not_before, validity->not_after,
                           static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                               st.st_mtim.tv_nsec};
}

void Storage::write_certificate(const std::string& host, const std::string& key_pem,
                                const std::string& chain_pem) const {
  if (!storable_host(host)) throw std::runtime_error("not a host name to store: " + host);
  write_file(certificate_path(host), key_pem + chain_pem);
}

std::vector<std::string> Storage::certificate_hosts() const {
  std::vector<std::string> hosts;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ + "/certificates", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 4 && name.ends_with(".pem")) {
      std::string host = name.substr(0, name.size() - 4);
      if (storable_host(host)) hosts.push_back(std::move(host));
    }
  }
  std::sort(hosts.begin(), hosts.end());
  return hosts;
}

void Storage::write_status(const std::string& host, const std::string& json) const {
  if (!storable_host(host)) return;
  write_file(root_ + "/status/" + host + ".json", json);
}

std::optional<std::string> Storage::read_status(const std::string& host) const {
  if (!storable_host(host)) return std::nullopt;
  return read_file(root_ + "/status/" + host + ".json");
}

void Storage::request_renewal(const std::string& host) const {
  if (!storable_host(host)) throw std::runtime_error("not a host name: " + host);
  write_file(root_ + "/renew/" + host, "");
}

std::vector<std::string> Storage::take_renewal_requests() const {
  std::vector<std::string> hosts;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ + "/renew", ec)) {
    const std::string name = entry.path().filename().string();
    if (!storable_host(name)) continue;  // a temporary file being written
    if (::unlink(entry.path().c_str()) == 0) hosts.push_back(name);  // one node takes it
  }
  return hosts;
}

StorageLock::StorageLock(const Storage& storage, const std::string& name) {
  const std::string path = storage.root() + "/locks/" + name + ".lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

StorageLock::~StorageLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace linktrack::acme
