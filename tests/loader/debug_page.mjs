// A test page: the sample app's /counter component, booted with debug: true.
import { boot } from "./jsinterop.mjs";

const rt = await boot({ app: "app.counter", debug: true });
rt.pyodide.runPython("from app.counter import Counter\nfrom jsinterop.components import mount\nmount(Counter, '#app')");
