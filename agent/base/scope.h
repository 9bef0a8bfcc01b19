#ifndef NYMVISOR_AGENT_BASE_SCOPE_H_
#define NYMVISOR_AGENT_BASE_SCOPE_H_

#include <memory>
#include <utility>

namespace nymvisor {

/// Something that lasts until this handle is dropped: an account the
/// process acts as (adapters/AccountScope), a staged copy of a binary
/// (adapters/OperatorBinaryCopy), or any action to run on leaving. Move-only:
/// exactly one owner ends it, once, when it is destroyed or reassigned. An
/// empty Scope (the default) ends nothing. Plain value; ends on the thread
/// that drops it.
class [[nodiscard]] Scope {
 public:
  Scope() = default;
  Scope(Scope&&) noexcept = default;
  Scope& operator=(Scope&&) noexcept = default;
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
  ~Scope() = default;

  /// Keeps `held` alive until the scope ends; its destructor ends it.
  template <typename T>
  static Scope Holding(std::unique_ptr<T> held) {
    return Scope(std::make_unique<Owner<T>>(std::move(held)));
  }
  /// Calls `on_exit()` once when the scope ends.
  template <typename F>
  static Scope OnExit(F on_exit) {
    return Scope(std::make_unique<Exit<F>>(std::move(on_exit)));
  }

  /// Whether this scope ends something.
  bool active() const { return held_ != nullptr; }
  /// Ends it now rather than at destruction; the scope is then empty.
  void End() { held_.reset(); }

 private:
  struct Base {
    virtual ~Base() = default;
  };
  template <typename T>
  struct Owner : Base {
    explicit Owner(std::unique_ptr<T> p) : owned(std::move(p)) {}
    std::unique_ptr<T> owned;
  };
  template <typename F>
  struct Exit : Base {
    explicit Exit(F f) : fn(std::move(f)) {}
    ~Exit() override { fn(); }
    F fn;
  };

  explicit Scope(std::unique_ptr<Base> held) : held_(std::move(held)) {}

  std::unique_ptr<Base> held_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_BASE_SCOPE_H_
