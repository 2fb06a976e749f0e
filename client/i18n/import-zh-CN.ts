import type { ImportMessageKey } from './import-en.ts'

/** 警情导入（管理员）的简体中文；须含 import-en.ts 的每个键。 */
export const importZhCN: Record<ImportMessageKey, string> = {
  'import.open': '导入警情',
  'import.title': '从 CSV 导入警情',
  'import.close': '关闭',
  'import.intro':
    'UTF-8 编码的 CSV 文件，第一行为列名：occurred_at、lon、lat、category 必填；severity（1–3，默认 2）、source（默认 app）、description、status（默认 reported）、reported_at（默认同 occurred_at）、place_id 可选。时间为 ISO 8601（不带时区即 UTC）。全部导入或全部不导入。',
  'import.file': 'CSV 文件',
  'import.submit': '导入',
  'import.uploading': '正在上传… {percent}%',
  'import.working': '服务器正在校验并导入…',
  'import.done': '已导入 {count} 条警情（编号 {first}–{last}）。',
  'import.withoutDistrict': '其中 {count} 条距各区县均超过 50 公里，未归属区县。',
  'import.refused': '未导入任何数据：{message}',
  'import.refusedRows': '未导入任何数据：部分行有问题。请改正后重新导入整个文件。',
  'import.problems': '首批问题',
  'import.problem': '第 {line} 行',
}
