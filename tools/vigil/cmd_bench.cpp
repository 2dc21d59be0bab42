// vigil bench: the benchmark matrix (bench_matrix.hpp) in one run, written as
// JSON (bench.json, Google Benchmark's layout: context + benchmarks) and a
// Markdown report (report.md) with the machine, device, driver, commit and
// date, plus plots (throughput against batch size per scheme) when gnuplot
// is installed.
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "bench_matrix.hpp"
#include "commands.hpp"
#include "vigil/version.hpp"

namespace vigil::cli {
namespace {

std::string run_command(const std::string& cmd) {
  std::string out;
  if (std::FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

std::string commit() {
  const std::string src = VIGIL_SOURCE_DIR;
  std::string c = run_command("git -C '" + src + "' rev-parse --short HEAD");
  if (c.empty()) return "unknown (not run from a git checkout)";
  if (!run_command("git -C '" + src + "' status --porcelain --untracked-files=no").empty()) c += " (uncommitted changes)";
  return c;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string human(double v) {
  char buf[32];
  if (v >= 1e9) std::snprintf(buf, sizeof buf, "%.2f G", v / 1e9);
  else if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.2f M", v / 1e6);
  else if (v >= 1e3) std::snprintf(buf, sizeof buf, "%.1f k", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

int run_bench(const BenchOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) {
    std::fprintf(stderr, "vigil bench: cannot create %s: %s\n", o.out_dir.c_str(), ec.message().c_str());
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  bench::MatrixOptions mo;
  mo.quick = o.quick;
  mo.backend = o.backend;
  mo.scratch_dir = (fs::path(o.out_dir) / "scratch").string();
  fs::remove_all(mo.scratch_dir, ec);
  fs::create_directories(mo.scratch_dir, ec);
  mo.progress = [&](const std::string& what) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "vigil bench: [%5.1fs] %s\n", s, what.c_str());
  };
  const bench::Matrix m = bench::run_matrix(mo);
  fs::remove_all(mo.scratch_dir, ec);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  utsname u{};
  uname(&u);
  const std::string driver = run_command("nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1");
  nlohmann::json ctx = {
      {"date", utc_now()},
      {"host_name", u.nodename},
      {"machine", cpu_model()},
      {"num_cpus", std::thread::hardware_concurrency()},
      {"os", std::string(u.sysname) + " " + u.release},
      {"device", m.gpu},
      {"driver", driver.empty() ? "none" : driver},
      {"commit", commit()},
      {"vigil_version", VIGIL_VERSION_STRING},
      {"mode", o.quick ? "quick" : "full"},
      {"command", std::string("vigil bench") + (o.quick ? " --quick" : "") +
                      (o.backend == Backend::kAuto ? "" : " --backend " + std::string(backend_name(o.backend))) +
                      " --out " + o.out_dir},
      {"seconds", seconds},
  };
  nlohmann::json benchmarks = nlohmann::json::array();
  bool all_valid = true;
  for (const bench::Row& r : m.rows) {
    all_valid &= r.valid == r.items;
    benchmarks.push_back({{"name", r.name},
                          {"group", r.group},
                          {"scheme", r.scheme},
                          {"implementation", r.implementation},
                          {"batch", r.batch},
                          {"items_per_second", r.items_per_second},
                          {"real_time_seconds", r.seconds},
                          {"items", r.items},
                          {"valid", r.valid},
                          {"rejects_corrupted", r.rejects_corrupted},
                          {"stage_seconds", nlohmann::json(r.stage_seconds)},
                          {"note", r.note}});
  }
  nlohmann::json doc = {{"context", ctx}, {"benchmarks", benchmarks}, {"notes", m.notes}};
  std::ofstream(fs::path(o.out_dir) / "bench.json") << doc.dump(2) << "\n";

  // The Markdown report.
  std::ostringstream md;
  md << "# vigil bench (" << (o.quick ? "quick" : "full") << ")\n\n"
     << "| | |\n|---|---|\n"
     << "| machine | " << cpu_model() << ", " << std::thread::hardware_concurrency() << " hardware threads |\n"
     << "| device | " << m.gpu << " |\n"
     << "| driver | " << (driver.empty() ? "none" : driver) << " |\n"
     << "| commit | " << ctx["commit"].get<std::string>() << " |\n"
     << "| date | " << ctx["date"].get<std::string>() << " |\n"
     << "| command | `" << ctx["command"].get<std::string>() << "` (" << static_cast<int>(seconds) << " s) |\n\n";
  std::string group;
  for (const bench::Row& r : m.rows) {
    if (r.group != group) {
      group = r.group;
      md << "\n## " << group << "\n\n| benchmark | implementation | batch | items/s | items | valid | note |\n|---|---|---|---|---|---|---|\n";
    }
    md << "| " << r.name << " | " << r.implementation << " | " << r.batch << " | " << human(r.items_per_second) << " | "
       << r.items << " | " << r.valid << " | " << r.note << " |\n";
  }
  for (const std::string& n : m.notes) md << "\n- " << n;
  md << "\n";

  // Plots: throughput against batch size, one per scheme (gnuplot, if installed).
  std::map<std::string, std::map<std::string, std::vector<std::pair<uint64_t, double>>>> series;
  for (const bench::Row& r : m.rows)
    if (r.group == "verify") series[r.scheme][r.implementation].push_back({r.batch, r.items_per_second});
  const bool gnuplot = !run_command("command -v gnuplot").empty();
  md << "\n## Plots\n\n";
  for (const auto& [scheme, impls] : series) {
    const fs::path dat = fs::path(o.out_dir) / ("verify-" + scheme + ".dat");
    std::ofstream d(dat);
    std::string plot = "set terminal pngcairo size 900,540; set output '" + (fs::path(o.out_dir) / ("verify-" + scheme + ".png")).string() +
                       "'; set logscale xy; set xlabel 'batch size'; set ylabel 'verifications/s'; set title 'verify " + scheme +
                       "'; set key left top; plot ";
    int index = 0;
    for (const auto& [impl, points] : impls) {
      d << "# " << impl << "\n";
      for (const auto& [n, v] : points) d << n << " " << v << "\n";
      d << "\n\n";
      plot += (index ? ", " : "") + std::string("'") + dat.string() + "' index " + std::to_string(index) +
              " with linespoints title '" + impl + "'";
      ++index;
    }
    d.close();
    if (gnuplot && std::system(("gnuplot -e \"" + plot + "\" 2>/dev/null").c_str()) == 0) {
      md << "![verify " << scheme << "](verify-" << scheme << ".png)\n";
    } else {
      md << "- verify " << scheme << ": `verify-" << scheme << ".dat` (" << (gnuplot ? "gnuplot failed" : "gnuplot not installed: no PNG") << ")\n";
    }
  }
  // Replay: seconds per stage, one bar group per implementation.
  {
    const fs::path dat = fs::path(o.out_dir) / "replay-stages.dat";
    std::ofstream d(dat);
    std::vector<const bench::Row*> replays;
    for (const bench::Row& r : m.rows)
      if (r.group == "replay" && !r.stage_seconds.empty()) replays.push_back(&r);
    d << "stage";
    for (const bench::Row* r : replays) d << " " << r->implementation;
    d << "\n";
    for (size_t k = 0; !replays.empty() && k < replays[0]->stage_seconds.size(); ++k) {
      d << replays[0]->stage_seconds[k].first;
      for (const bench::Row* r : replays) d << " " << r->stage_seconds[k].second;
      d << "\n";
    }
    d.close();
    std::string plot = "set terminal pngcairo size 900,540; set output '" + (fs::path(o.out_dir) / "replay-stages.png").string() +
                       "'; set style data histograms; set style fill solid; set ylabel 'seconds'; set title 'replay: time per "
                       "stage'; set key autotitle columnhead; plot ";
    for (size_t i = 0; i < replays.size(); ++i)
      plot += (i ? ", " : "") + std::string("'") + dat.string() + "' using " + std::to_string(i + 2) + ":xtic(1)";
    if (!replays.empty() && gnuplot && std::system(("gnuplot -e \"" + plot + "\" 2>/dev/null").c_str()) == 0) {
      md << "![replay stages](replay-stages.png)\n";
    } else if (!replays.empty()) {
      md << "- replay stages: `replay-stages.dat` (" << (gnuplot ? "gnuplot failed" : "gnuplot not installed: no PNG") << ")\n";
    }
  }
  std::ofstream(fs::path(o.out_dir) / "report.md") << md.str();
  std::printf("%s", md.str().c_str());
  std::fprintf(stderr, "vigil bench: %zu rows in %.0f s; %s/bench.json, %s/report.md\n", m.rows.size(), seconds,
               o.out_dir.c_str(), o.out_dir.c_str());
  if (!all_valid) {
    std::fprintf(stderr, "vigil bench: a row produced fewer valid results than items: its figure is not a measurement\n");
    return 1;
  }
  return 0;
}

}  // namespace vigil::cli
