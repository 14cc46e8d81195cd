// ESLint for the browser code in static/js (vendored libraries are not ours to lint).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["static/vendor/**", "node_modules/**", "tests/vendor/**"] },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser, L: "readonly", module: "writable" },
    },
    rules: {
      eqeqeq: "error",
      "no-var": "off",
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", { args: "after-used" }],
    },
  },
  {
    // Streamlit components (st.components.v2) are ES modules run in the app's page.
    files: ["static/js/*.mjs"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.browser } },
    rules: { eqeqeq: "error", "no-unused-vars": ["error", { args: "after-used" }] },
  },
  {
    files: ["static/js/test/**/*.mjs"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
  },
];
