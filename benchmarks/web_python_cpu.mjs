// CPU time of the Python start of a published build, in Pyodide under Node.js (used by
// benchmarks/bench_web_python_cpu.py). argv: dist folder, unpacked app folder.
// Prints {"boot", "wheels", "imports"} in CPU milliseconds of this process: user + system,
// which a busy machine stretches far less than wall-clock time.
import fs from "node:fs";

const [dist, app] = process.argv.slice(2);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const { loadPyodide } = await import(dist + "/pyodide/pyodide.mjs");
const t0 = cpu();
const py = await loadPyodide({ indexURL: dist + "/pyodide/", stdout: () => {}, stderr: () => {} });
const t1 = cpu();
const names = fs.readFileSync(app + "/requirements.txt", "utf8").split("\n").filter(Boolean)
  .map((line) => line.split("==")[0]);
await py.loadPackage(names, { messageCallback: () => {} });
const t2 = cpu();
// The unpacked app is mounted in Pyodide's own (virtual) file system, beside its working folder.
const mount = py.FS.cwd() + "-app";
py.FS.mkdirTree(mount);
py.FS.mount(py.FS.filesystems.NODEFS, { root: app }, mount);
py.globals.set("app_dir", mount);
py.runPython(`import os, sys; sys.path.insert(0, app_dir); os.chdir(app_dir)`);
const t3 = cpu();
py.runPython(`import app.web_main`);
const t4 = cpu();
console.log(JSON.stringify({ boot: t1 - t0, wheels: t2 - t1, imports: t4 - t3 }));
