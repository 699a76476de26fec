// The bench's one table, in Markdown (README.md's "Performance" section shows one): each figure,
// its value, its target and the anchors' figures where the issue gives them.
export function table(rows) {
  const mark = (ok) => (ok === undefined ? '' : ok ? 'met' : '**missed**')
  const lines = [
    ['measurement', 'figure', 'target', '', 'anchors (issue 16: same machine, Node 24)'],
    ['---', '---', '---', '---', '---'],
    ...rows.map((row) => [row.figure, row.value, row.target, mark(row.ok), row.anchor ?? '']),
  ]
  const widths = lines[0].map((_, column) => Math.max(...lines.map((line) => (line[column] === '---' ? 3 : line[column].length))))
  return lines
    .map(
      (line) =>
        `| ${line.map((cell, column) => (cell === '---' ? '-'.repeat(widths[column]) : cell.padEnd(widths[column]))).join(' | ')} |`,
    )
    .join('\n')
}
