"""Our own files: `loading` (data files with line numbers and limits), `writing` (data files a chair would write),
`atomic` (outputs written whole or not at all), `spreadsheet_cells` (no formula injection in CSV and XLSX), `slugs`
(file names from any text), `text` (the characters no text may hold; Markdown escaping)."""
