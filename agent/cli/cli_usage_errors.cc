#include "agent/cli/cli_usage_errors.h"

#include <algorithm>
#include <memory>

#include "agent/base/strings.h"

namespace nymvisor {
namespace {

/// The first argument `wanted` accepts among the top-level ones, with the
/// values of -c and --id (its options that take one) skipped; "" when there
/// is none.
template <typename Wanted>
std::string FirstTopLevel(const std::vector<std::string>& args, Wanted wanted) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-c" || args[i] == "--config-env-file" || args[i] == "--id") {
      ++i;
    } else if (wanted(args[i])) {
      return args[i];
    }
  }
  return "";
}

/// Edit distance, for "did you mean" (option names are short).
size_t Distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// The option of `sub` closest to the mistyped `given` ("--reasn" ->
/// "--reason"), or "" when none is close.
std::string Closest(const CLI::App* sub, const std::string& given) {
  std::string best;
  size_t best_distance = 3;  // at most two edits
  for (const CLI::Option* opt : sub->get_options()) {
    for (const std::string& name : opt->get_lnames()) {
      size_t d = Distance(given, "--" + name);
      if (d < best_distance) {
        best = "--" + name;
        best_distance = d;
      }
    }
  }
  return best;
}

/// The arguments CLI11 did not expect, in the order they were typed (it
/// lists them in its own order).
std::vector<std::string> InTypedOrder(const std::string& listed,
                                      const std::vector<std::string>& args) {
  std::vector<std::string> extras;
  for (const std::string& arg : args) {
    bool is_extra = (" " + listed + " ").find(" " + arg + " ") != std::string::npos;
    if (is_extra && std::find(extras.begin(), extras.end(), arg) == extras.end()) {
      extras.push_back(arg);
    }
  }
  if (extras.empty()) extras.push_back(listed);
  return extras;
}

/// What CLI11 said, without its own "Run with --help" advice; an unknown
/// option comes first, with the option of `sub` it was probably meant to be.
std::string Reason(const CLI::ParseError& e, const CLI::App* sub,
                   const std::vector<std::string>& args) {
  std::string what = e.what();
  const std::string extras_one = "The following argument was not expected: ";
  const std::string extras_many = "The following arguments were not expected: ";
  for (const std::string& prefix : {extras_one, extras_many}) {
    if (!what.starts_with(prefix)) continue;
    std::vector<std::string> extras = InTypedOrder(what.substr(prefix.size()), args);
    for (const std::string& extra : extras) {
      if (!extra.starts_with("-")) continue;
      std::string option = extra.substr(0, extra.find('='));
      std::string guess = sub == nullptr ? "" : Closest(sub, option);
      return "unknown option '" + option + "'" +
             (guess.empty() ? "" : "; did you mean '" + guess + "'?");
    }
    return "unexpected argument '" + Join(extras, " ") + "'";
  }
  if (what == "A subcommand is required") return "no command given";
  if (what == "DAEMON_BINARY is required" && sub != nullptr && sub->get_name() == "init") {
    return what +
           ": the node's executable (a re-run takes the one the instance was "
           "initialised with again)";
  }
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

/// "nymvisor fleet halt" for the subcommand `sub`.
std::string FullName(const CLI::App& sub) {
  std::string name;
  for (const CLI::App* a = &sub; a->get_parent() != nullptr; a = a->get_parent()) {
    name = " " + a->get_name() + name;
  }
  return "nymvisor" + name;
}

/// In a command group (`fleet`), the subcommand the words after the
/// group's name pick; `*unknown` is set to a word that names none.
CLI::App* Nested(CLI::App* group, const std::vector<std::string>& args, std::string* unknown) {
  if (group->get_subcommands({}).empty()) return group;
  auto it = std::find(args.begin(), args.end(), group->get_name());
  for (++it; it < args.end(); ++it) {
    if (*it == "--" || it->starts_with("-")) {
      if (*it == "--id") ++it;  // its value is not a command
      continue;
    }
    try {
      return group->get_subcommand(*it);
    } catch (const CLI::OptionNotFound&) {  // library boundary: not one of its commands
      *unknown = *it;
      return group;
    }
  }
  return group;
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
  std::string name = FullName(sub);
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
        << (option.empty() ? Reason(e, nullptr, args)
                           : "unknown option '" + option + "' before the command")
        << "\n"
        << UsageLine(app) << "The commands are " << CommandList(app)
        << "; see 'nymvisor --help'.\n";
    return 2;
  }
  std::string unknown;
  sub = Nested(sub, args, &unknown);
  if (!unknown.empty()) {
    err << "error: unknown command '" << unknown << "' of '" << FullName(*sub)
        << "'; its commands are " << CommandList(*sub) << "\n";
    return 2;
  }
  err << "error: " << FullName(*sub) << ": " << Reason(e, sub, args) << "\n"
      << UsageLine(*sub) << "See '" << FullName(*sub) << " --help'.\n";
  return 2;
}

}  // namespace nymvisor
