import { render } from "preact";
import { App } from "./app";
import { applyTheme, initialTheme } from "./theme";
import "./styles.css";

applyTheme(initialTheme());
const root = document.getElementById("app");
if (root) render(<App />, root);
