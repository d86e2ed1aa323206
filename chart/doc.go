// Package chart draws Cordon's pictures as SVG on the server: horizontal bar
// charts, donut (proportion) charts, column (timeline) charts, stacked column
// charts (several counts per month, with a legend) and the network
// map of who talks to whom.
//
// Every function returns a template.HTML holding one complete <svg> element
// that can be placed straight into an html/template page. The pictures are
// made for a strict Content-Security-Policy: they carry no script, no inline
// style attributes and no <style> element. Colours, fonts and sizes are set
// with presentation attributes (fill, stroke, font-size), and every shape has
// a CSS class so that the page's stylesheet can add hover and focus rules.
//
// The pictures scale with their container: the root element has a viewBox
// and no fixed width or height. Each has a <title> (its accessible name) and a
// <desc> that lists the data as text for screen readers; the title is not drawn,
// so the page should show its own visible heading.
//
// All text is escaped, because device names and hostnames come from the
// network and may hold markup. Links are kept only when they are relative or
// use http, https or mailto. Output is deterministic for the same input, so it
// can be compared with golden files.
package chart
