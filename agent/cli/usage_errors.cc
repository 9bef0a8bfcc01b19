#include "agent/cli/usage_errors.h"

#include <memory>

#include "agent/base/strings.h"

namespace nymvisor {
namespace {

/// The first argument `wanted` accepts among the top-level ones, with -c's
/// value (its only option that takes one) skipped; "" when there is none.
template <typename Wanted>
std::string FirstTopLevel(const std::vector<std::string>& args, Wanted wanted) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-c" || args[i] == "--config-env-file") {
      ++i;
    } else if (wanted(args[i])) {
      return args[i];
    }
  }
  return "";
}

/// What CLI11 said, without its own "Run with --help" advice.
std::string Reason(const CLI::ParseError& e) {
  std::string what = e.what();
  const std::string extras_one = "The following argument was not expected: ";
  const std::string extras_many = "The following arguments were not expected: ";
  for (const std::string& prefix : {extras_one, extras_many}) {
    if (what.starts_with(prefix)) {
      std::string rest = what.substr(prefix.size());
      return (rest.starts_with("-") ? "unknown option '" : "unexpected argument '") + rest + "'";
    }
  }
  if (what == "A subcommand is required") return "no command given";
  return what;
}

/// The first option-looking argument before the command word: what a
/// command line without a command got wrong.
std::string FirstTopLevelOption(const std::vector<std::string>& args) {
  return FirstTopLevel(args, [](const std::string& arg) {
    return arg.starts_with("-") && !arg.starts_with("--config-env-file=");
  });
}

std::string CommandList(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands(
           [](const CLI::App* s) { return !s->get_group().empty() && !s->get_name().empty(); })) {
    names.push_back(sub->get_name());
  }
  return Join(names, ", ");
}

}  // namespace

std::vector<std::string> SplitShortEquals(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool daemons = false;
  for (const std::string& arg : args) {
    if (arg == "--") daemons = true;
    if (!daemons && arg.size() > 3 && arg[0] == '-' && arg[1] != '-' && arg[2] == '=') {
      out.push_back(arg.substr(0, 2));
      out.push_back(arg.substr(3));
    } else {
      out.push_back(arg);
    }
  }
  return out;
}

std::string CommandWord(const std::vector<std::string>& args) {
  return FirstTopLevel(args, [](const std::string& arg) { return !arg.starts_with("-"); });
}

std::string UsageLine(const CLI::App& sub) {
  auto formatter = std::dynamic_pointer_cast<CLI::Formatter>(sub.get_formatter());
  std::string name = "nymvisor";
  if (sub.get_parent() != nullptr) name += " " + sub.get_name();
  std::string usage = formatter ? formatter->make_usage(&sub, name) : "Usage: " + name + "\n";
  if (usage.starts_with("\n")) usage.erase(0, 1);
  return usage;
}

int ReportParseError(CLI::App& app, const CLI::ParseError& e, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err) {
  if (e.get_exit_code() == 0) return app.exit(e, out, err);  // --help, --version
  std::string word = CommandWord(args);
  CLI::App* sub = nullptr;
  if (!word.empty()) {
    try {
      sub = app.get_subcommand(word);
    } catch (const CLI::OptionNotFound&) {  // library boundary: not one of ours
      err << "error: unknown command '" << word << "'; the commands are " << CommandList(app)
          << " (see 'nymvisor --help')\n";
      return 2;
    }
  }
  if (sub == nullptr) {
    std::string option = FirstTopLevelOption(args);
    err << "error: "
        << (option.empty() ? Reason(e) : "unknown option '" + option + "' before the command")
        << "\n"
        << UsageLine(app) << "The commands are " << CommandList(app)
        << "; see 'nymvisor --help'.\n";
    return 2;
  }
  err << "error: nymvisor " << word << ": " << Reason(e) << "\n"
      << UsageLine(*sub) << "See 'nymvisor " << word << " --help'.\n";
  return 2;
}

}  // namespace nymvisor
