/**
 * Towns of Huzhou used to place markets, projects, roads and stations. Names are real; positions are
 * approximate (to a kilometre or two) and checked against the district outlines by the generator.
 */
import type { LonLat } from './geometry.ts'

export interface Town {
  id: string
  name_zh: string
  name_en: string
  district_code: number
  p: LonLat
  /** 3 = city or county seat, 2 = large town, 1 = town. */
  size: 1 | 2 | 3
}

export const WUXING = 330502
export const NANXUN = 330503
export const DEQING = 330521
export const CHANGXING = 330522
export const ANJI = 330523

export const districtSlug: Record<number, string> = {
  [WUXING]: 'wuxing',
  [NANXUN]: 'nanxun',
  [DEQING]: 'deqing',
  [CHANGXING]: 'changxing',
  [ANJI]: 'anji',
}

const t = (
  id: string,
  name_zh: string,
  name_en: string,
  district_code: number,
  lon: number,
  lat: number,
  size: 1 | 2 | 3 = 1,
): Town => ({ id, name_zh, name_en, district_code, p: [lon, lat], size })

export const towns: readonly Town[] = [
  // Wuxing (incl. the city centre and the Nantaihu New Area)
  t('huzhou', '湖州城区', 'Huzhou city', WUXING, 120.095, 30.87, 3),
  t('zhili', '织里', 'Zhili', WUXING, 120.255, 30.845, 2),
  t('balidian', '八里店', 'Balidian', WUXING, 120.165, 30.845),
  t('daixi', '埭溪', 'Daixi', WUXING, 119.985, 30.705),
  t('donglin', '东林', 'Donglin', WUXING, 120.045, 30.735),
  t('miaoxi', '妙西', 'Miaoxi', WUXING, 119.975, 30.825),
  t('huanzhu', '环渚', 'Huanzhu', WUXING, 120.06, 30.905),
  t('taihu-resort', '太湖度假区', 'Taihu Resort', WUXING, 120.135, 30.915),
  // Nanxun
  t('nanxun', '南浔', 'Nanxun', NANXUN, 120.425, 30.875, 3),
  t('lianshi', '练市', 'Lianshi', NANXUN, 120.35, 30.72, 2),
  t('shuanglin', '双林', 'Shuanglin', NANXUN, 120.33, 30.775, 2),
  t('linghu', '菱湖', 'Linghu', NANXUN, 120.17, 30.725, 2),
  t('hefu', '和孚', 'Hefu', NANXUN, 120.18, 30.79),
  t('qianjin', '千金', 'Qianjin', NANXUN, 120.25, 30.7),
  t('shanlian', '善琏', 'Shanlian', NANXUN, 120.29, 30.695),
  t('jiuguan', '旧馆', 'Jiuguan', NANXUN, 120.32, 30.845),
  // Deqing
  t('wukang', '武康', 'Wukang', DEQING, 119.965, 30.545, 3),
  t('xinshi', '新市', 'Xinshi', DEQING, 120.29, 30.625, 2),
  t('qianyuan', '乾元', 'Qianyuan', DEQING, 120.075, 30.56, 2),
  t('zhongguan', '钟管', 'Zhongguan', DEQING, 120.16, 30.625),
  t('leidian', '雷甸', 'Leidian', DEQING, 120.135, 30.5),
  t('yuyue', '禹越', 'Yuyue', DEQING, 120.11, 30.485),
  t('moganshan', '莫干山镇', 'Moganshan', DEQING, 119.885, 30.59),
  t('luoshe', '洛舍', 'Luoshe', DEQING, 120.115, 30.63),
  t('xinan', '新安', 'Xin\u2019an', DEQING, 120.225, 30.57),
  // Changxing
  t('zhicheng', '雉城', 'Zhicheng', CHANGXING, 119.905, 31.015, 3),
  t('hongqiao', '洪桥', 'Hongqiao', CHANGXING, 119.975, 30.935, 2),
  t('lijiaxiang', '李家巷', 'Lijiaxiang', CHANGXING, 119.89, 30.955),
  t('jiapu', '夹浦', 'Jiapu', CHANGXING, 119.94, 31.1, 2),
  t('sian', '泗安', 'Si\u2019an', CHANGXING, 119.685, 30.905, 2),
  t('heping', '和平', 'Heping', CHANGXING, 119.755, 30.85),
  t('meishan', '煤山', 'Meishan', CHANGXING, 119.715, 31.07, 2),
  t('shuikou', '水口', 'Shuikou', CHANGXING, 119.875, 31.1),
  t('xiaopu', '小浦', 'Xiaopu', CHANGXING, 119.805, 31.045),
  t('hongxingqiao', '虹星桥', 'Hongxingqiao', CHANGXING, 119.815, 30.955),
  t('lincheng', '林城', 'Lincheng', CHANGXING, 119.77, 30.965),
  // Anji
  t('dipu', '递铺', 'Dipu', ANJI, 119.68, 30.635, 3),
  t('xiaofeng', '孝丰', 'Xiaofeng', ANJI, 119.565, 30.59, 2),
  t('tianhuangping', '天荒坪', 'Tianhuangping', ANJI, 119.615, 30.5),
  t('meixi', '梅溪', 'Meixi', ANJI, 119.785, 30.735, 2),
  t('hanggai', '杭垓', 'Hanggai', ANJI, 119.44, 30.57),
  t('baofu', '报福', 'Baofu', ANJI, 119.5, 30.5),
  t('zhangcun', '章村', 'Zhangcun', ANJI, 119.42, 30.47),
  t('shanchuan', '山川', 'Shanchuan', ANJI, 119.7, 30.51),
  t('lingfeng', '灵峰', 'Lingfeng', ANJI, 119.64, 30.66),
  t('tianziku', '天子湖', 'Tianzihu', ANJI, 119.66, 30.79, 2),
  t('xilong', '溪龙', 'Xilong', ANJI, 119.77, 30.68),
]
