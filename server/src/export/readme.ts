// README.txt inside the Shapefile zip: what the files are, their CRS and
// code page, and which DBF field holds what (DBF names are cut to 10
// bytes, so the Chinese headers of the CSV and XLSX do not all fit).
import { EXPORT_COLUMNS } from './columns.ts'
import type { DbfEncoding } from './dbf.ts'

export type ExportSrid = 4490 | 4549

export const CRS_NAMES: Readonly<Record<ExportSrid, string>> = {
  4490: 'EPSG:4490 CGCS2000 经纬度 longitude/latitude, 度 degrees',
  4549: 'EPSG:4549 CGCS2000 3度带高斯-克吕格 3-degree Gauss-Krüger, 中央经线 central meridian 120°E, 无带号 no zone prefix, 米 metres',
}

export interface ReadmeFacts {
  baseName: string
  srid: ExportSrid
  encoding: DbfEncoding
  count: number
  truncated: number
  filters: string
  exportedAt: Date
}

/** The field table, one line a field, the DBF name used in this encoding first. */
export function fieldTable(encoding: DbfEncoding): string[] {
  return EXPORT_COLUMNS.map((c) => {
    const [used, other] = encoding === 'GBK' ? [c.gbk, c.ascii] : [c.ascii, c.gbk]
    return `  ${used}\t(${other})\t${c.header}\t${c.meaning}`
  })
}

export function readmeText(facts: ReadmeFacts): string {
  const lines = [
    '即源 Jiyuan 地块导出 parcel export',
    '',
    `文件 files: ${['shp', 'shx', 'dbf', 'prj', 'cpg'].map((e) => `${facts.baseName}.${e}`).join(', ')}`,
    `导出时间 exported at: ${facts.exportedAt.toISOString()}`,
    `筛选条件 filters: ${facts.filters || '无 none'}`,
    `地块数 parcels: ${facts.count}`,
    `坐标系 CRS: ${CRS_NAMES[facts.srid]} (.prj)`,
    `属性编码 DBF code page: ${facts.encoding} (.cpg)`,
    '面积 areas: 面积 = CGCS2000 椭球面积 ellipsoidal area on the CGCS2000 ellipsoid; 1 亩 = 10000/15 平方米 m²',
    '',
    "DBF 字段 fields (DBF name, the other encoding's name, CSV/XLSX header, meaning):",
    ...fieldTable(facts.encoding),
    '',
    '类别、状态、问题为中文名称 category, status and problems are the Chinese names.',
    '导入 import: POST /api/imports 可直接读回本压缩包 reads this zip back as it is.',
  ]
  if (facts.truncated > 0) {
    lines.push(
      '',
      `注意 note: ${facts.truncated} 个文本值超过 DBF 字段 254 字节上限，已截断 ` +
        `text values were cut to the 254-byte limit of a DBF text field; the CSV and GeoJSON exports keep them whole.`,
    )
  }
  // a BOM and CRLF, so Notepad on any Windows shows the Chinese
  return '\uFEFF' + lines.join('\r\n') + '\r\n'
}
