#ifndef NYMVISOR_AGENT_BASE_STATUS_H_
#define NYMVISOR_AGENT_BASE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace nymvisor {

/// The outcome of an operation: OK, or an error whose message is written for
/// operators. The core never throws; exceptions from libraries are converted
/// into a Status at the boundary where they are caught. Plain value, any thread.
class [[nodiscard]] Status {
 public:
  enum class Code { kOk, kError, kNotFound, kUnavailable, kUsage, kRefused, kDenied, kUnusable };

  Status() = default;
  static Status Error(std::string message) { return Status(Code::kError, std::move(message)); }
  /// The thing asked for does not exist; callers may treat this as "absent".
  static Status NotFound(std::string message) {
    return Status(Code::kNotFound, std::move(message));
  }

  /// A passing condition (network down, server busy): trying again later may work.
  static Status Unavailable(std::string message) {
    return Status(Code::kUnavailable, std::move(message));
  }

  /// The command line itself is wrong (a bad flag value); the CLI exits with 2.
  static Status Usage(std::string message) { return Status(Code::kUsage, std::move(message)); }

  /// The operation cannot run now, for a reason with a name (CamelCase, such
  /// as "NoStagedUpgrade"); the control API turns the name into its error.
  static Status Refused(std::string reason, std::string message) {
    Status st(Code::kRefused, std::move(message));
    st.reason_ = std::move(reason);
    return st;
  }

  /// The caller is not allowed to do this.
  static Status Denied(std::string message) { return Status(Code::kDenied, std::move(message)); }

  /// The input (a backup) cannot be used, and was refused before anything
  /// was touched: retrying will not help, and what it would have changed is
  /// as it was.
  static Status Unusable(std::string message) {
    return Status(Code::kUnusable, std::move(message));
  }

  bool ok() const { return code_ == Code::kOk; }
  bool IsUsage() const { return code_ == Code::kUsage; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  bool IsRefused() const { return code_ == Code::kRefused; }
  bool IsDenied() const { return code_ == Code::kDenied; }
  bool IsUnusable() const { return code_ == Code::kUnusable; }
  /// The name of a refusal's reason; empty for other codes.
  const std::string& reason() const { return reason_; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  /// Returns the same error with "context: " in front of the message; OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::string reason_;
};

/// A value of type T, or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = Status::Error("internal error: OK status used as an error");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }
  /// The value, or `fallback` when this holds an error.
  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace nymvisor

#define NV_CONCAT_INNER_(a, b) a##b
#define NV_CONCAT_(a, b) NV_CONCAT_INNER_(a, b)

/// Returns the Status of `expr` from the enclosing function when it is an error.
#define NV_RETURN_IF_ERROR(expr)                            \
  do {                                                      \
    if (::nymvisor::Status nv_st_ = (expr); !nv_st_.ok()) { \
      return nv_st_;                                        \
    }                                                       \
  } while (0)

/// Evaluates a Result expression; on error returns its Status, else moves the
/// value into `lhs` (which may be a declaration such as `auto x`).
#define NV_ASSIGN_OR_RETURN(lhs, rexpr) \
  NV_ASSIGN_OR_RETURN_IMPL_(NV_CONCAT_(nv_r_, __LINE__), lhs, rexpr)
#define NV_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                              \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

#endif  // NYMVISOR_AGENT_BASE_STATUS_H_
