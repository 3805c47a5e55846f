// Where ACME state lives on disk (`acme.storage`), shared by every node that names the same
// folder:
//   accounts/<directory digest>/key.pem, account.json   the account, per CA directory
//   certificates/<host>.pem                             key then chain, one file, swapped whole
//   locks/<name>.lock                                   who is issuing (flock)
//   renew/<host>                                        `linktrack certs renew` asks for one
//   status/<host>.json                                  the last attempt, for doctor and certs
// Every file is written 0600 to a temporary name and renamed, so a reader (this node's next
// look, another node) sees the old file or the new one, never half of one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linktrack::acme {

struct StoredCertificate {
  std::string host;
  std::string pem;  // key then chain
  std::int64_t not_before = 0, not_after = 0;  // the leaf's, Unix seconds
  std::int64_t modified_ns = 0;                // the file's mtime: changed by another node?
};

class Storage {
 public:
  explicit Storage(std::string root);
  const std::string& root() const { return root_; }

  // Creates the folders (0700); throws std::runtime_error naming the path when it cannot.
  void prepare() const;

  std::string account_dir(const std::string& directory_url) const;
  std::optional<std::string> read_account_key(const std::string& directory_url) const;
  void write_account_key(const std::string& directory_url, const std::string& pem) const;
  std::string read_account_url(const std::string& directory_url) const;  // empty: none yet
  void write_account_url(const std::string& directory_url, const std::string& url) const;

  std::string certificate_path(const std::string& host) const;
  std::optional<StoredCertificate> read_certificate(const std::string& host) const;
  void write_certificate(const std::string& host, const std::string& key_pem,
                         const std::string& chain_pem) const;
  std::vector<std::string> certificate_hosts() const;  // every host with a stored file

  void write_status(const std::string& host, const std::string& json) const;
  std::optional<std::string> read_status(const std::string& host) const;

  void request_renewal(const std::string& host) const;
  std::vector<std::string> take_renewal_requests() const;  // and forgets them

 private:
  std::string root_;
};

// An exclusive flock on locks/<name>.lock, held while the object lives; `held()` is false
// when another process (another node on the same storage) holds it.
class StorageLock {
 public:
  StorageLock(const Storage& storage, const std::string& name);
  ~StorageLock();
  StorageLock(const StorageLock&) = delete;
  StorageLock& operator=(const StorageLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// The leaf's validity from a PEM text holding it first among certificates; nullopt when none.
struct Validity {
  std::int64_t not_before = 0, not_after = 0;
};
std::optional<Validity> leaf_validity(const std::string& pem);

// Whether `host` is safe as a file name and a DNS name: letters, digits, '-' and '.', lower case.
bool storable_host(const std::string& host);

}  // namespace linktrack::acme
