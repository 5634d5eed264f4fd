#include "cli/options.h"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <sstream>

#include "core/guarantee.h"
#include "core/suggest.h"
#include "core/text_width.h"
#include "engine/engine.h"
#include "history/line_reader.h"
#include "report/reporter.h"
#include "report/terminal.h"
#include "scenario/scenario_loader.h"

namespace mapstress {
namespace {

// Help text wrapped to the terminal's width when stdout is one (or COLUMNS is set). Piped help
// keeps one line per option, so scripts can grep it, and footers (one paragraph per line in
// the source) wrap at 100 columns.
class WrappingFormatter : public CLI::Formatter {
 public:
  explicit WrappingFormatter(size_t width) : width_(width) {}
  std::string make_option_desc(const CLI::Option* opt) const override {
    return WrapColumn(CLI::Formatter::make_option_desc(opt));
  }
  std::string make_subcommand(const CLI::App* sub) const override {
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true), WrapColumn(sub->get_description()), get_column_width());
    return out.str();
  }
  std::string make_footer(const CLI::App* app) const override {
    std::string out;
    std::istringstream paragraphs(app->get_footer());
    for (std::string line; std::getline(paragraphs, line);) out += WrapText(line, width_ > 0 ? width_ : 100, "", "");
    return out;
  }

 private:
  // A description for the column right of the names (format_help indents its continuation lines).
  std::string WrapColumn(std::string desc) const {
    const size_t column = get_column_width();
    if (width_ < column + 30 || desc.find('\n') != std::string::npos) return desc;
    std::string wrapped = WrapText(desc, width_ - column - 1, "", "");
    if (!wrapped.empty() && wrapped.back() == '\n') wrapped.pop_back();
    return wrapped;
  }

  size_t width_;  // 0: do not wrap descriptions
};

size_t HelpWidth() {
  const char* columns = std::getenv("COLUMNS");
  bool asked = isatty(fileno(stdout)) || (columns != nullptr && columns[0] != '\0');
  return asked ? TerminalWidth(stdout) : 0;
}

constexpr const char* kExitCodes =
    "Exit codes: 0 every case passed; 1 a FORBIDDEN outcome was observed; 2 usage or input error; "
    "3 inconclusive (nothing checkable was recorded, or the clock could not be trusted); "
    "130 interrupted (reports hold the cases that finished).";

void AddReportFlags(CLI::App* cmd, Options* o) {
  std::vector<std::string> formats;
  for (const ReporterInfo& r : Reporters()) formats.push_back(r.name);
  cmd->add_option("--format", o->formats,
                  fmt::format("Report file format, repeatable or comma-separated: {} (see `mapstress list formats`)",
                              fmt::join(formats, ", ")))
      ->delimiter(',');
  cmd->add_option("--out", o->outs,
                  "Path of the report for the --format in the same position, repeatable "
                  "(default: mapstress.<ext> in the current folder)");
  cmd->add_option("--report-dir", o->report_dir, "Write every format into DIR/mapstress.<ext>");
  cmd->add_flag("--no-color", o->no_color, "Never colour the terminal output (also: NO_COLOR set, or not a TTY)");
}

// The value must be one of `names`: "'backend' is not one of backends, scenarios, formats (did you
// mean 'backends'?)".
CLI::Validator OneOf(std::vector<std::string> names) {
  std::string desc = fmt::format("{{{}}}", fmt::join(names, ","));
  return CLI::Validator(
      [names](std::string& value) -> std::string {
        if (std::find(names.begin(), names.end(), value) != names.end()) return "";
        return fmt::format("'{}' is not one of {}{}", value, fmt::join(names, ", "), DidYouMean(value, names));
      },
      desc);
}

// The flags of `argv` that `cmd` does not know, each with a suggestion: "unknown flag '--duraton'
// (did you mean '--duration'?)"; empty when every flag is known.
std::vector<std::string> UnknownFlags(const CLI::App& cmd, int argc, const char* const* argv) {
  std::vector<std::string> known = {"--help", "-h"};
  for (const CLI::Option* opt : cmd.get_options()) {
    for (const std::string& l : opt->get_lnames()) known.push_back("--" + l);
    for (const std::string& n : opt->get_snames()) known.push_back("-" + n);
  }
  std::vector<std::string> out;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-' || std::isdigit(static_cast<unsigned char>(arg[1]))) continue;
    std::string flag = arg.substr(0, arg.find('='));
    if (std::find(known.begin(), known.end(), flag) != known.end()) continue;
    out.push_back(fmt::format("unknown flag '{}'{}", flag, DidYouMean(flag, known)));
  }
  return out;
}

// Caps on each history file `check` and `export` read.
void AddInputFlags(CLI::App* cmd, Options* o) {
  cmd->add_option("--max-line-mb", o->max_line_mb,
                  fmt::format("Longest line a history file may hold, in MiB (default {})", kDefaultMaxLineMb))
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20));
  cmd->add_option(
         "--max-input-mb", o->max_input_mb,
         fmt::format("Most bytes one history file may hold once decompressed, in MiB (default {})", kDefaultMaxInputMb))
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30));
  cmd->add_option("--input-timeout", o->input_timeout,
                  fmt::format("A FIFO that sends nothing for this long fails (default {}s). History files must be "
                              "regular files or FIFOs; devices and sockets are refused",
                              kFifoIdleTimeout.count()));
}

CLI::App* AddShrinkCommand(CLI::App* app, Options* o) {
  CLI::App* cmd = app->add_subcommand("shrink", "Shrink a failing scenario to the smallest one that still fails");
  cmd->footer(
      "The result fails the same way (the same FORBIDDEN kind, or the same crash or hang) in at least "
      "--min-failing of --runs runs; it is written with the `mapstress run` command that reproduces it.\n"
      "Exit codes: 0 the scenario did not fail, nothing to shrink; 1 a failure was kept and the minimal "
      "scenario written; 2 usage or input error; 3 it failed too rarely to shrink; 130 interrupted.");
  cmd->add_option("scenario", o->paths, "The failing scenario file")->required()->expected(1);
  cmd->add_option("-b,--backend", o->backends, "The backend it fails on (exactly one)")->required();
  cmd->add_option("--kind", o->shrink_kind,
                  "The failure to keep: crashed, hung or an anomaly kind (then any grade counts). Default: the "
                  "crash, hang or FORBIDDEN kind most of the first runs show");
  cmd->add_option("--runs", o->shrink_runs, "Runs per candidate scenario (1..1000, default 4)")
      ->check(CLI::Range(1u, 1000u));
  cmd->add_option("--min-failing", o->shrink_min_failing,
                  "A candidate still fails when at least this many of its runs fail (default 2); the result "
                  "is confirmed over all --runs and reported as k/N with its Wilson 95% interval")
      ->check(CLI::Range(1u, 1000u));
  cmd->add_option("--budget", o->shrink_budget,
                  "Total time for the search (default 5m); when it is spent, the smallest scenario found so far "
                  "is written");
  cmd->add_option("-o,--out", o->shrink_out, "Where to write the minimal scenario (default: <name>.min.json)");
  cmd->add_option("--seed", o->seed, "Seed of every run (default: the scenario's, else 42); written into the result");
  cmd->add_option("--duration", o->duration, "Start from this trial duration instead of the scenario's");
  cmd->add_option("--trials", o->trials, "Start from this many trials instead of the scenario's")
      ->check(CLI::Range(1u, 100000u));
  cmd->add_option("--hang-grace", o->hang_grace, "As for run: an isolated case this late is hung (default 10s)");
  cmd->add_flag("--isolate", o->isolate, "Run every case in a forked child (as for run)");
  cmd->add_flag("--allow-unsafe", o->allow_unsafe,
                "As for run: also run combinations the backend declares unsupported");
  cmd->add_option("--expect", o->expect, "Re-grade an anomaly kind, repeatable: KIND=GRADE (as for run)");
  cmd->add_option("--plugin", o->plugins, "Load backends from a plugin shared library, repeatable");
  return cmd;
}

void AddExamplesFlag(CLI::App* cmd, Options* o) {
  cmd->add_option("--examples", o->examples,
                  "Examples kept per anomaly kind (0..1000, default 3): distinct keys and iterations first; "
                  "each has its proof as data in the JSON/HTML reports")
      ->check(CLI::Range(size_t{0}, size_t{1000}));
  cmd->add_option("--check-threads", o->check_threads,
                  "Threads that check each trial's history (1..1024). Default: every CPU this process may run "
                  "on (its affinity mask, so `taskset` lowers it): a trial's worker threads have stopped before "
                  "its check starts, so the check uses no core the run is using. Results never depend on it")
      ->check(CLI::Range(size_t{1}, size_t{1024}));
}

}  // namespace

int ParseCommandLine(int argc, const char* const* argv, Options* o) {
  for (int i = 0; i < argc; ++i) o->command_line += (i ? " " : "") + std::string(argv[i]);
  CLI::App app{
      "mapstress: a race and consistency stress tester for concurrent maps.\n"
      "Threads write, delete and iterate a map at once; every operation is timestamped,\n"
      "and each iteration is checked against what the map provably held while it ran.",
      "mapstress"};
  app.set_version_flag("--version", std::string("mapstress ") + MAPSTRESS_VERSION);
  app.formatter(std::make_shared<WrappingFormatter>(HelpWidth()));
  app.footer(kExitCodes);
  app.require_subcommand(1);
  app.fallthrough(false);

  CLI::App* run = app.add_subcommand("run", "Run scenarios against backends and check every iteration");
  run->add_option("paths", o->paths,
                  "Scenario files or folders (a folder means its *.json files, sorted; *.schema.json are "
                  "skipped). Default: the bundled scenarios");
  run->add_flag("-r,--recursive", o->recursive, "Include scenarios in subfolders of the given folders");
  run->add_option("-b,--backend", o->backends,
                  "Backend to test, repeatable or comma-separated (-b locked,sharded); 'all' = every registered "
                  "backend. Default: the scenario's `backends` list, else the default set (see `mapstress list "
                  "backends`)")
      ->delimiter(',');
  run->add_option("--filter", o->filter, "Only scenarios whose name matches this regular expression (ECMAScript)");
  run->add_option("--seed", o->seed, "Seed for every op stream (unsigned). Default: the scenario's, else 42");
  run->add_option("--duration", o->duration,
                  "Time budget per trial with a unit (250ms, 2s, 1m; max 24h), overriding the scenario's");
  run->add_option("--trials", o->trials, "Trials per case (1..100000), overriding the scenario's")
      ->check(CLI::Range(1u, 100000u));
  run->add_option("--time-budget", o->time_budget,
                  "Total time for the whole run (e.g. 10m), divided evenly across cases and trials; the "
                  "plan is printed first. Overrides --duration");
  run->add_option("--shard", o->shard,
                  "Run only shard i of n (\"i/n\", 1-based): a stable subset of the cases, so n CI jobs split "
                  "a folder; combine their JSON reports with `mapstress merge`");
  run->add_option("--max-history-mb", o->max_history_mb,
                  "History memory per case in MiB; a trial that fills it ends early and the report says so. "
                  "Default: 1/12 of physical memory, at most 1365 (16 bytes per op)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20));
  run->add_flag("--isolate", o->isolate,
                "Run every case in a forked child with a watchdog (always on for unsafe backends and plugins)");
  run->add_flag("--allow-unsafe", o->allow_unsafe,
                "Also run combinations a backend declares unsupported (undefined behaviour), isolated");
  run->add_option("--hang-grace", o->hang_grace,
                  "An isolated case still running this long after its budget is killed and reported hung "
                  "(default 10s)");
  run->add_option("--fence-window", o->fence_window,
                  fmt::format("Fast point ops of one thread share one fenced time interval for up to this long "
                              "(0, 500ns, 2us, ...; default {}); iterations always get their own. 0 = fence every "
                              "op: the tightest intervals, but fences make fast ops 2-3x slower (fewer ops racing)",
                              FormatDuration(kDefaultFenceWindow)));
  run->add_flag("--no-batch-calls", o->no_batch_calls,
                "Call the map once per op even when it can run a batch of point ops per call (Go plugins: "
                "mapstress_batch_for); by default such batches span about the fence window");
  run->add_option("--noise", o->noise,
                  fmt::format("Schedule noise that makes narrow race windows likely on few cores (seeded by --seed): "
                              "off; light (helper threads wake every 20-60us on each CPU, so the kernel preempts "
                              "workers at random instructions, plus short spins in iteration callbacks); heavy "
                              "(wake-ups every 5-20us, more spins, rare sleeps at op boundaries); pct (light plus a "
                              "random priority order among workers with change points: low-priority ones park at "
                              "an op boundary). Default {}. Never inside a recorded interval without the op's work",
                              NoiseModeName(kDefaultNoise)));
  run->add_option("--shards", o->shards, "Stripes of the `sharded` backend (1..4096, default 16)")
      ->check(CLI::Range(1u, 4096u));
  run->add_option("--redis", o->redis,
                  "Redis backends' server: auto (default: a private redis-server on a unix socket), "
                  "unix:/path/redis.sock or tcp://host:port");
  run->add_flag("--redis-force-hashtable", o->redis_force_hashtable,
                "Start the private redis-server with --hash-max-listpack-entries 0 (HSCAN really scans)");
  run->add_option("--save-history", o->save_history,
                  "Write each trial's history to DIR/<scenario>__<backend>__trial<N>.mshist (the compact binary "
                  "format; `mapstress export --to jsonl` turns one into JSON Lines) after the trial. "
                  "[MODE:]DIR or MODE alone (folder ./mapstress-histories); MODE: all (default) keeps every case's, "
                  "failures only failing cases', interesting failing cases' and those with INTERESTING outcomes. "
                  "A crashed or hung case's history up to the crash or the kill is saved too, marked truncated. The "
                  "run ends with a note of what was kept, its size and where");
  run->add_option("--trace-dir", o->trace_dir,
                  "Write a chrome trace (see `export --to chrome-trace`) of each trial with a FORBIDDEN anomaly to "
                  "DIR/<scenario>__<backend>__trial<N>.trace.json; the run checks each trial a second time for it");
  run->add_option("--expect", o->expect,
                  "Re-grade an anomaly kind for every case, repeatable: KIND=GRADE, e.g. not_snapshot=ACCEPTABLE "
                  "(kinds: missing phantom duplicate stale_value unknown_value stale_read not_snapshot crashed "
                  "hung; grades: ACCEPTABLE INTERESTING FORBIDDEN)");
  AddExamplesFlag(run, o);
  run->add_option("--plugin", o->plugins, "Load backends from a plugin shared library, repeatable");
  run->add_flag("--no-bundled-plugins", o->no_bundled_plugins,
                "Do not load the plugins built with mapstress (the Go backends of each Go toolchain, the Rust and "
                "Java backends)");
  run->add_flag("--no-progress", o->no_progress, "No live status line on stderr (it is only shown on a TTY)");
  AddReportFlags(run, o);

  CLI::App* shrink = AddShrinkCommand(&app, o);

  CLI::App* validate = app.add_subcommand("validate", "Load and check scenario files without running them");
  validate->footer("Exit codes: 0 every file is a valid scenario; 2 usage error, or a file is not valid.");
  validate->add_option("paths", o->paths, "Scenario files or folders")->required();
  validate->add_flag("-r,--recursive", o->recursive, "Include subfolders");

  CLI::App* list = app.add_subcommand("list", "List backends, scenarios or report formats");
  list->footer("Exit codes: 0 listed; 2 usage or input error (a bad scenario, a plugin that cannot be loaded).");
  list->add_option("what", o->list_what, "backends | scenarios | formats")
      ->required()
      ->check(OneOf({"backends", "scenarios", "formats"}));
  list->add_option("paths", o->paths, "For `list scenarios`: files or folders (default: the bundled ones)");
  list->add_flag("-r,--recursive", o->recursive, "Include subfolders");
  list->add_flag("-v,--verbose", o->verbose, "Backends: the promise with its source, and what may overlap iteration");
  list->add_option("--plugin", o->plugins, "Load backends from a plugin shared library, repeatable");
  list->add_flag("--no-bundled-plugins", o->no_bundled_plugins,
                 "Do not load the plugins built with mapstress (the Go backends of each Go toolchain, the Rust and "
                 "Java backends)");

  CLI::App* check = app.add_subcommand("check", "Check saved history files (.mshist, .jsonl or .jsonl.gz) again");
  check->footer(
      "Exit codes: 0 every case passed; 1 a FORBIDDEN outcome was observed; 2 usage or input error; "
      "3 inconclusive (nothing checkable was recorded).");
  check->add_option("files", o->paths, "History files or folders of them")->required();
  check->add_option("--guarantee", o->guarantee, "Re-grade as this promise: snapshot | weak | none")
      ->check(OneOf(GuaranteeNames()));
  check->add_option("--expect", o->expect, "Re-grade an anomaly kind, repeatable: KIND=GRADE");
  AddInputFlags(check, o);
  check->add_option("--key", o->check_key,
                    "Drill down into key K: every op on it with the window in which each write may be in effect, "
                    "and every iteration that saw it or had to, with what it got (times in ns as in the file)");
  check
      ->add_option("--iteration", o->check_iteration,
                   "Drill down into iteration N (1-based, in file order): the checker's verdict on it alone, and "
                   "each key it visited or had to visit against what the map could hold")
      ->check(CLI::Range(uint64_t{1}, std::numeric_limits<uint64_t>::max()));
  AddExamplesFlag(check, o);
  check->add_option("--trace-dir", o->trace_dir,
                    "Write a chrome trace (see `export --to chrome-trace`) of each history file with a FORBIDDEN "
                    "anomaly to DIR/<history name>.trace.json");
  AddReportFlags(check, o);

  CLI::App* merge = app.add_subcommand("merge", "Merge JSON reports (e.g. from --shard runs) into one report");
  merge->footer(
      "Exit codes: 0 every case passed; 1 a FORBIDDEN outcome was observed; 2 usage or input error (a bad "
      "report; shards missing, repeated or from another run without --allow-partial); 3 inconclusive; "
      "130 a merged run had been interrupted.");
  merge->add_option("files", o->paths, "JSON reports written by --format json")->required();
  merge->add_flag("--allow-partial", o->allow_partial,
                  "Merge even when shards of the run are missing, repeated or from another run (the output is "
                  "marked partial); without it that is an error (exit 2)");
  AddReportFlags(merge, o);

  CLI::App* exp = app.add_subcommand("export", "Export a history file for other checkers");
  exp->footer("Exit codes: 0 written; 2 usage or input error (a bad history file, an output that cannot be written).");
  exp->add_option("--to", o->export_to,
                  "Target format: jepsen (EDN history of the point operations), jsonl (the JSON Lines history "
                  "format, gzip when -o ends in .gz), binary (the compact .mshist format) or chrome-trace "
                  "(trace-event JSON for ui.perfetto.dev and chrome://tracing: a track per thread, anomalies and "
                  "their witnesses marked)")
      ->check(OneOf({"jepsen", "jsonl", "binary", "chrome-trace"}));
  exp->add_option("--window", o->window,
                  "chrome-trace: only ops overlapping LO:HI (history nanoseconds, as witnesses print them), or "
                  "example:K[:PAD] (around the K-th example, PAD ns each side; default its own length)");
  exp->add_option("file", o->paths, "History file (.jsonl, .jsonl.gz or .mshist)")->required();
  exp->add_option("-o,--output", o->export_out,
                  "Output file (default: standard output; jsonl and binary need one, written atomically)");
  AddInputFlags(exp, o);

  // An unknown subcommand gets a suggestion before CLI11 sees it.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      names.push_back(sub->get_name());
    }
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::cerr << fmt::format("mapstress: unknown command '{}'{}\nRun 'mapstress --help' for the commands.\n", argv[1],
                               DidYouMean(argv[1], names));
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string sub;
    const CLI::App* cmd = &app;
    for (const CLI::App* s : app.get_subcommands()) {
      sub = s->get_name();
      cmd = s;
    }
    std::vector<std::string> unknown;
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) unknown = UnknownFlags(*cmd, argc, argv);
    std::string what = unknown.empty() ? e.what() : fmt::format("{}", fmt::join(unknown, "; "));
    std::cerr << "mapstress" << (sub.empty() ? "" : " " + sub) << ": " << what << "\n"
              << "Run 'mapstress " << (sub.empty() ? "" : sub + " ") << "--help' for usage.\n";
    return 2;
  }
  if (run->parsed()) o->command = Command::kRun;
  if (validate->parsed()) o->command = Command::kValidate;
  if (list->parsed()) o->command = Command::kList;
  if (check->parsed()) o->command = Command::kCheck;
  if (merge->parsed()) o->command = Command::kMerge;
  if (exp->parsed()) o->command = Command::kExport;
  if (shrink->parsed()) o->command = Command::kShrink;
  return -1;
}

}  // namespace mapstress
