#include "agent/base/status.h"

namespace nymvisor {

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += ": ";
  message += message_;
  Status st(code_, std::move(message));
  st.reason_ = reason_;
  return st;
}

}  // namespace nymvisor
