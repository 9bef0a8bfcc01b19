#include "agent/adapters/minisign_verifier.h"

#include <openssl/evp.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <optional>

namespace nymvisor {
namespace {

constexpr std::string_view kTrustedPrefix = "trusted comment: ";

/// Strict base64: the decoded bytes, or nullopt.
std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t padding = text.size() - text.find_last_not_of('=') - 1;
  if (padding > 2) return std::nullopt;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

/// minisign shows a key id as a little-endian 64-bit number in hex.
std::string KeyIdText(const std::array<uint8_t, 8>& id) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (int i = 7; i >= 0; --i) {
    out += kHex[id[i] >> 4];
    out += kHex[id[i] & 15];
  }
  return out;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

Result<MinisignVerifier::Signature> ParseSignature(std::string_view text) {
  std::vector<std::string_view> lines = Lines(text);
  if (lines.size() < 4 || lines[0].rfind("untrusted comment:", 0) != 0 ||
      lines[2].rfind(kTrustedPrefix, 0) != 0) {
    return Status::Error(
        "not a minisign signature (expected four lines: untrusted comment, "
        "signature, trusted comment, global signature)");
  }
  std::optional<std::string> sig = DecodeBase64(lines[1]);
  std::optional<std::string> global = DecodeBase64(lines[3]);
  if (!sig || sig->size() != 74 ||
      (sig->compare(0, 2, "Ed") != 0 && sig->compare(0, 2, "ED") != 0)) {
    return Status::Error("malformed minisign signature line");
  }
  if (!global || global->size() != 64) return Status::Error("malformed minisign global signature");
  MinisignVerifier::Signature out;
  out.prehashed = sig->compare(0, 2, "ED") == 0;
  std::memcpy(out.key_id.data(), sig->data() + 2, 8);
  std::memcpy(out.signature.data(), sig->data() + 10, 64);
  std::memcpy(out.global_signature.data(), global->data(), 64);
  out.trusted_comment = std::string(lines[2].substr(kTrustedPrefix.size()));
  return out;
}

bool Ed25519Verify(const std::array<uint8_t, 32>& public_key, std::string_view message,
                   const uint8_t* signature) {
  EVP_PKEY* key =
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size());
  if (key == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok =
      ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, signature, 64, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

using Update = std::function<void(std::string_view)>;

/// BLAKE2b-512 of whatever `feed` passes to the update function.
Result<std::string> Blake2b512(const std::function<Status(const Update&)>& feed) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_blake2b512(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    return Status::Error("BLAKE2b-512 is not available in this OpenSSL");
  }
  Status fed =
      feed([ctx](std::string_view chunk) { EVP_DigestUpdate(ctx, chunk.data(), chunk.size()); });
  std::string digest(64, '\0');
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx, reinterpret_cast<unsigned char*>(digest.data()), &size);
  EVP_MD_CTX_free(ctx);
  if (!fed.ok()) return fed;
  return digest;
}

Status ReadInChunks(const std::filesystem::path& file, const Update& update) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::Error("cannot read " + file.string());
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) update(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) return Status::Error("error reading " + file.string());
  return {};
}

}  // namespace

Result<std::unique_ptr<MinisignVerifier>> MinisignVerifier::Create(
    const std::vector<std::string>& public_keys) {
  std::vector<Key> keys;
  for (const std::string& text : public_keys) {
    std::optional<std::string> raw = DecodeBase64(text);
    if (!raw || raw->size() != 42 || raw->compare(0, 2, "Ed") != 0) {
      return Status::Error("'" + text + "' is not a minisign public key");
    }
    Key key;
    std::memcpy(key.id.data(), raw->data() + 2, 8);
    std::memcpy(key.public_key.data(), raw->data() + 10, 32);
    keys.push_back(key);
  }
  return std::unique_ptr<MinisignVerifier>(new MinisignVerifier(std::move(keys)));
}

Result<VerifiedSignature> MinisignVerifier::Check(const Signature& sig, std::string_view message) {
  const Key* key = nullptr;
  for (const Key& k : keys_) {
    if (k.id == sig.key_id) key = &k;
  }
  if (key == nullptr) {
    return Status::Error("signed by key " + KeyIdText(sig.key_id) +
                         ", which is not in nymvisor.trusted_keys");
  }
  if (!Ed25519Verify(key->public_key, message, sig.signature.data())) {
    return Status::Error("the signature by key " + KeyIdText(sig.key_id) +
                         " does not match the data (changed, or signed for another file)");
  }
  std::string global(reinterpret_cast<const char*>(sig.signature.data()), 64);
  global += sig.trusted_comment;
  if (!Ed25519Verify(key->public_key, global, sig.global_signature.data())) {
    return Status::Error("the trusted comment was changed after signing");
  }
  return VerifiedSignature{KeyIdText(sig.key_id), sig.trusted_comment};
}

Result<VerifiedSignature> MinisignVerifier::Verify(std::string_view minisig,
                                                   std::string_view data) {
  NV_ASSIGN_OR_RETURN(Signature sig, ParseSignature(minisig));
  if (!sig.prehashed) return Check(sig, data);
  NV_ASSIGN_OR_RETURN(std::string digest, Blake2b512([data](const Update& update) {
                        update(data);
                        return Status();
                      }));
  return Check(sig, digest);
}

Result<VerifiedSignature> MinisignVerifier::VerifyFile(std::string_view minisig,
                                                       const std::filesystem::path& file) {
  NV_ASSIGN_OR_RETURN(Signature sig, ParseSignature(minisig));
  if (!sig.prehashed) {
    std::string data;
    NV_RETURN_IF_ERROR(ReadInChunks(file, [&data](std::string_view c) { data.append(c); }));
    return Check(sig, data);
  }
  NV_ASSIGN_OR_RETURN(std::string digest, Blake2b512([&file](const Update& update) {
                        return ReadInChunks(file, update);
                      }));
  return Check(sig, digest);
}

}  // namespace nymvisor
