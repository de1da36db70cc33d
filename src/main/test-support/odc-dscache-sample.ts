/**
 * A task cache written by odc-dscache itself (its JsonBlobCache, as DatasetCache and odc-stats'
 * save-tasks call it, under py-lmdb 0.9 and python-zstandard 0.20), gzipped, for tests of the
 * reader against the real format rather than this repository's own writer. It holds:
 * - a zstd dictionary of 1024 bytes trained on the 30 datasets (info 'zdict');
 * - grid/au-30 = {crs: EPSG:3577, tile_size: [96000, 96000], resolution: [-30, 30],
 *   origin: [-5472000, -2688000]}; stats/config = {grid: au-30, freq: annual,
 *   temporal_range: 2021--P1Y, query: {product: [ga_ls8c_ard_3]}}; product/ga_ls8c_ard_3;
 * - 30 datasets of ga_ls8c_ard_3, i = 0…29: id 5ca1ab1e-0000-0000-0000-0000000000ii (i in
 *   hex), datetime 2021-01-(i+1)T23:50:00.250000Z, eo:cloud_cover i, crs epsg:4326, geometry
 *   the square 148…149°E, 35…34°S, uri s3://dea-public-data/baseline/ga_ls8c_ard_3/090/084/
 *   2021/01/DD/STEM.odc-metadata.yaml with STEM ga_ls8c_ard_3-2-0_090084_2021-01-DD_final,
 *   measurements nbart_red (STEM_nbart_band04.tif) and oa_fmask (STEM_oa_fmask.tif);
 * - groups au-30/2021--P1Y/+0044/+0015 (datasets 0…19) and au-30/2021--P1Y/+0045/+0015 (15…29).
 */
import { gunzipSync } from 'node:zlib';

const GZIPPED = `
H4sIAAAAAAACA+2de2xT1x3Hz7XzcOzYDoHRlD6AOxZg9ePGj8QJ20ilUHUi68JGp5Esc2/sa8fC9jX2NSwNltKUUdpFk0q2UGlR
K6q2Q+tUobYE0BiEAl2ha0HNtiJIaKWo6h9rGgRJGGmCd64fiX1870hLxtj2+zi6vr+T+/2dh08c/+75nQShNKrE8VL/6FEKZdGh
EI8l+Ira2e8Q1yBF6lmdVSp/fV5WrbM6NQIAAAAAAAAAAAAAYL6h5jn+13zJ+F9J6DTwkgAAAAAAAAAAAADAvKPIOCtFvbpe3T49
jAoAAAAAAAAAAABwO0kuN9+D2KjRypgtjKXCaGyo2GR+gGFsNvFYYf/J3lfvz5QQNkXYCsJWEnYeYecTdgFhFxK2irCLCFtN2BrC
LiZsLWHrCFtP2CWEvYCwSwl74cz6uxj/lyGdvl6/U39Sr9Of1O3Q1enydB9od2sbtMXad4p3FNcWT2kOaQSNTXNZ/Xt1q3qF+uOi
3qIfF5UWva/qUj2kghkLAAAAAP9PGJOfPsiPX/etOmCedi08+fCmBxXTCA3XKgybfvle+Gc9BqVqarB++5lm3bGnz5eHftPTueVY
PvqmtJd7M7x8glB3B+XadvDyEIVd/Pk7fzd9Ovj0r7r3/PblRwZbKYO0h3syPIwjNIAUsYsTIx/zH+lUU0NdRDNk+rIkpy99gQ/7
tEcCFympvsi05O7slgwjxYHNA699++jWEQknMj7Kcnrzpu/sK7ELb84M6tp1Y+WHvr/++KG3lDI+7sppxxved58PrG3fOvd2LM7x
8Tq37d3X9hjXSPh4QNrH1zJ8jGAf/dTQ0Ghw8vPPpcZUxseiHB+jVdfab0zrvsTrsjCnL4ODw4c/OXxYaqKukvZRmuHjr3ieImo4
fi0uMUtl+rEgux8D/dSxg8fio6NKiUkqNxYlOWMxMTE+sb39C4luxGV86HPaMT4+Nn5qcjLtI15nW5maXkoZH7ocH2NjV8fqHpfy
4Zbxoc3xcfXqlasnrl+X8EHL+CjO8XHlSqxt75HtEj5YGR+aHB/TNz7ST3xBSfgQZN7D1NnvYQMdVPxs/In4UgkXMrOraMZDrTi7
TnRQ22+8s/T6lGrqQn3vlb1rqOGOfwz8YP+Z5++W1qsy9M1iuMcEXuk/3fOoscQgU2Nhdo2Mw1zlqHKopi52vT85uKHW2Pmng881
XmD/tmCltL4gQ/8eQo6qqkr8qMIN7npkcvDlDgd6obFnQ9H9Nhl9PqGvrLTjR2WOPiyjzyP0drsNP+w5en7ljIRJxMH5KOpmBXau
v/ziKVJqBXJHUncfZu9DEJJ0Mwuy6i1A3jAfDd1UnV6zz89S5yFf0MPfTJvW5BHPooclqF/t0fSrp9Sf6S9BIj4AAAAAAABwB7I0
eRsBhcK8O+oSzF7W6Y84XE427HZaxQDg62IAYPo1/pTs5HgrHVNejnMvnd+4b7qo8EfJEBFFBFaImF180OPzzkhc31Mgm7KdrqET
y4+0gfaEuS3BYJT143OBC4T4MOt3htmgV1yUxGVbolxTcyxWgH5at8fyIiq1nHvx0a76v5z8hZrikkEg/nzvc5sT/mbq8Z9SoB/W
lTTv3F/oOXpw61N93eXVu+vOLFy9Jo9afvx094qNv2PaLD9ftU7x1PJ7zyutH25Yv3v1ul31uxue7X+w88DGztZnT7z9jJEqRE3a
020HPmVq8/9wpnXLyMjZnpLUx/t89Ljb5xKqXmI+E2tcXnKuW0iGLMpzjZuVSP/6tUvt62/cdWQ6Wbr0ydWqzmW9eXvLv/sBZXus
v+OJ0vuWKCUQCxd/a/GTxx9jyhq0ja/2efoCNsMb/rKdbFfF22WuxMGDuVhApWINcZFQaMWjmvVCGS1GxslUM4zD5kys8zL4y+H0
+IJ4iHnW6Qmwkc0mweehYzED7fcFOdbL0TXtsVisnY6GfRG6pomOWGvMZjfHGkPRFr/PZRRjOHMLG+HE67MnhhnXZcaVJRaVzQz+
qjbfvEHVyQaZeLfLGOAEVqzA1MYG/HSzgU5NQLJneF6kL8XtpVdEXK1cAJ/SrYIQiuAGJwsiJj7EBcWrXNEWzsSHvWbRiHACduBz
4+vtLraCbangjAyGOKRw0BnNaKeDbIDLaQ4ePlcYDxfNhSLeGpvVUolFXo7HjQy3iSqhLSSqGnh/m5cP4m+6eD7sxv0WOHGUm5oq
bA6D0WpvNuCz6qwzW+LMkXVmb25uxnWKEz8iundzHjbqT7Qv0sqKVTXZcNMN4gGPooB/niIePhzA5YwJl1nsBsYgumIMxnQB9o9N
XNwszgbc4xAXFnxc0j9up+BLdHz2ddtosdbYmRqGMVns4kA14m5xfI3Lz0fdThe/lQvTNQ4TkygM+Vkh2QDazwbdEVYwiuOKX/Oa
MOf18UEscIvuk7NDHNAAx0aiYS7ABYVEG4ItbFhwhjm3aITYOU731OxyJtUtuG7GlpzyuPbUj8BXcpgWp2L9QoT7G8EdwQNREc/P
iP8XoV3aXt0urWhB/A8AAAAAAABA/A/xP8T//574/3Jihkjnutslc91vOfebTKMhU3PIdB8yhYhMSyJTncgEKjIpi0zzIpPHIP//
NuT/F2TE//XoIdVb+h36On0e5P8DAAAAAHATIP8f8v8h/x/y/2cDFcj/h/z//678/xy9ktDbbFb8sOXo4zJ6BaG3Wi34Yc3Vl0vr
qQz9KYQiiBoa3VaYI/+GtBplqP+I1f1o7QvxHDEqzIj/M/f/w/o/AAAAAAAAcCcC6/+w/g/5/5D/f6v5/8l3kztp///cK76V/f8q
iP8BAAAAAAAAiP8h/of4H+J/iP//g/G/vJqaidgz1V8t/i/KiP8XoX36c3r4/38AAAAAAAAAAADA/zrzG//PXSq//r8scVShstRz
ERH7p+N5JXG9iihXp55VhF6dFf/v15/X70/E/7D/HwAAAACAfw3s/4f9/7D/H/b/zwD7/2H/P+z/n8f9/2XEfQA1Ecen7wuk9/PP
9X6BJiv+34fjf1j/BwAAAAAAAAAAAG4v8Pf/Z//+/7JUPK8h4ne5df253if4J+sz/6oAwAAA`;

export function odcDscacheSample(): Buffer {
  return gunzipSync(Buffer.from(GZIPPED.replaceAll('\n', ''), 'base64'));
}
