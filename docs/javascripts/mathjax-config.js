// MathJax's settings: mkdocs.yml loads this file just before MathJax itself (assets/mathjax/,
// copied from the django-static-mathjax package by docs/hooks.py), so the site needs no network.
//
// Markdown pages write math as $...$ and $$...$$; pymdownx.arithmatex hands it over as \(...\)
// and \[...\]. The notebooks' Markdown cells keep their dollars, so both forms are read. Code
// (<pre>, <code>) is never touched, and \$ is a plain dollar sign.
window.MathJax = {
  tex: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: "tex2jax_ignore|md-search",
  },
};
