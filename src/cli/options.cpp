#include "cli/options.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "core/suggest.h"
#include "engine/engine.h"
#include "scenario/scenario_loader.h"

namespace mapstress {
namespace {

constexpr const char* kExitCodes =
    "Exit codes: 0 every case passed; 1 a FORBIDDEN outcome was observed; 2 usage or input error;\n"
    "3 inconclusive (nothing checkable was recorded, or the clock could not be trusted);\n"
    "130 interrupted (reports hold the cases that finished).";

void AddReportFlags(CLI::App* cmd, Options* o) {
  cmd->add_option("--format", o->formats,
                  "Report file format, repeatable: json, junit, markdown, tsv (see `mapstress list formats`)");
  cmd->add_option("--out", o->outs,
                  "Path of the report for the --format in the same position, repeatable "
                  "(default: mapstress.<ext> in the current folder)");
  cmd->add_option("--report-dir", o->report_dir, "Write every format into DIR/mapstress.<ext>");
  cmd->add_flag("--no-color", o->no_color, "Never colour the terminal output (also: NO_COLOR set, or not a TTY)");
}

void AddExamplesFlag(CLI::App* cmd, Options* o) {
  cmd->add_option("--examples", o->examples,
                  "Examples kept per anomaly kind (0..1000, default 3): distinct keys and iterations first; "
                  "each has its proof as data in the JSON/HTML reports")
      ->check(CLI::Range(size_t{0}, size_t{1000}));
}

}  // namespace

int ParseCommandLine(int argc, const char* const* argv, Options* o) {
  for (int i = 0; i < argc; ++i) o->command_line += (i ? " " : "") + std::string(argv[i]);
  CLI::App app{
      "mapstress: a race and consistency stress tester for concurrent maps.\n"
      "Threads write, delete and iterate a map at once; every operation is timestamped, and each\n"
      "iteration is checked against what the map provably held while it ran.",
      "mapstress"};
  app.set_version_flag("--version", std::string("mapstress ") + MAPSTRESS_VERSION);
  app.footer(kExitCodes);
  app.require_subcommand(1);
  app.fallthrough(false);

  CLI::App* run = app.add_subcommand("run", "Run scenarios against backends and check every iteration");
  run->add_option("paths", o->paths,
                  "Scenario files or folders (a folder means its *.json files, sorted; *.schema.json are "
                  "skipped). Default: the bundled scenarios");
  run->add_flag("-r,--recursive", o->recursive, "Include scenarios in subfolders of the given folders");
  run->add_option("-b,--backend", o->backends,
                  "Backend to test, repeatable; 'all' = every registered backend. Default: the scenario's "
                  "`backends` list, else the default set (see `mapstress list backends`)");
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
                  "Default: 1/8 of physical memory, at most 2048")
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
  run->add_option("--shards", o->shards, "Stripes of the `sharded` backend (1..4096, default 16)")
      ->check(CLI::Range(1u, 4096u));
  run->add_option("--redis", o->redis,
                  "Redis backends' server: auto (default: a private redis-server on a unix socket), "
                  "unix:/path/redis.sock or tcp://host:port");
  run->add_flag("--redis-force-hashtable", o->redis_force_hashtable,
                "Start the private redis-server with --hash-max-listpack-entries 0 (HSCAN really scans)");
  run->add_option("--save-history", o->save_history,
                  "Write each trial's history to DIR/<scenario>__<backend>__trial<N>.jsonl.gz after the trial");
  run->add_option("--expect", o->expect,
                  "Re-grade an anomaly kind for every case, repeatable: KIND=GRADE, e.g. not_snapshot=ACCEPTABLE "
                  "(kinds: missing phantom duplicate stale_value unknown_value stale_read not_snapshot crashed "
                  "hung; grades: ACCEPTABLE INTERESTING FORBIDDEN)");
  AddExamplesFlag(run, o);
  run->add_option("--plugin", o->plugins, "Load backends from a plugin shared library, repeatable");
  run->add_flag("--no-progress", o->no_progress, "No live status line on stderr (it is only shown on a TTY)");
  AddReportFlags(run, o);

  CLI::App* validate = app.add_subcommand("validate", "Load and check scenario files without running them");
  validate->add_option("paths", o->paths, "Scenario files or folders")->required();
  validate->add_flag("-r,--recursive", o->recursive, "Include subfolders");

  CLI::App* list = app.add_subcommand("list", "List backends, scenarios or report formats");
  list->add_option("what", o->list_what, "backends | scenarios | formats")
      ->required()
      ->check(CLI::IsMember({"backends", "scenarios", "formats"}));
  list->add_option("paths", o->paths, "For `list scenarios`: files or folders (default: the bundled ones)");
  list->add_flag("-r,--recursive", o->recursive, "Include subfolders");
  list->add_flag("-v,--verbose", o->verbose, "Backends: the promise with its source, and what may overlap iteration");
  list->add_option("--plugin", o->plugins, "Load backends from a plugin shared library, repeatable");

  CLI::App* check = app.add_subcommand("check", "Check saved history files (.jsonl or .jsonl.gz) again");
  check->add_option("files", o->paths, "History files or folders of them")->required();
  check->add_option("--guarantee", o->guarantee, "Re-grade as this promise: snapshot | weak | none")
      ->check(CLI::IsMember({"snapshot", "weak", "none"}));
  check->add_option("--expect", o->expect, "Re-grade an anomaly kind, repeatable: KIND=GRADE");
  AddExamplesFlag(check, o);
  check->add_option("--trace-dir", o->trace_dir,
                    "Write a chrome trace (see `export --to chrome-trace`) of each failing history file to "
                    "DIR/<history name>.trace.json");
  AddReportFlags(check, o);

  CLI::App* merge = app.add_subcommand("merge", "Merge JSON reports (e.g. from --shard runs) into one report");
  merge->add_option("files", o->paths, "JSON reports written by --format json")->required();
  AddReportFlags(merge, o);

  CLI::App* exp = app.add_subcommand("export", "Export a history file for other checkers");
  exp->add_option("--to", o->export_to,
                  "Target format: jepsen (EDN history of the point operations) or chrome-trace (trace-event JSON for "
                  "ui.perfetto.dev and chrome://tracing: a track per thread, anomalies and their witnesses marked)")
      ->check(CLI::IsMember({"jepsen", "chrome-trace"}));
  exp->add_option("--window", o->window,
                  "chrome-trace: only ops overlapping LO:HI (history nanoseconds, as witnesses print them), or "
                  "example:K[:PAD] (around the K-th example, PAD ns each side; default its own length)");
  exp->add_option("file", o->paths, "History file")->required();
  exp->add_option("-o,--output", o->export_out, "Output file (default: standard output)");

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
    for (const CLI::App* s : app.get_subcommands()) sub = s->get_name();
    std::cerr << "mapstress" << (sub.empty() ? "" : " " + sub) << ": " << e.what() << "\n"
              << "Run 'mapstress " << (sub.empty() ? "" : sub + " ") << "--help' for usage.\n";
    return 2;
  }
  if (run->parsed()) o->command = Command::kRun;
  if (validate->parsed()) o->command = Command::kValidate;
  if (list->parsed()) o->command = Command::kList;
  if (check->parsed()) o->command = Command::kCheck;
  if (merge->parsed()) o->command = Command::kMerge;
  if (exp->parsed()) o->command = Command::kExport;
  return -1;
}

}  // namespace mapstress
