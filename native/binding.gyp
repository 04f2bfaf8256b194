{
  # The native backend. Every native/src/**/*.cpp is compiled with the baseline flags below: no
  # -march=native and no -ffast-math; instruction-set-specific code sits in `#pragma GCC target`
  # regions and is chosen at run time from CPUID (src/cpu.cpp). -ffp-contract=off keeps the compiler
  # from fusing multiplies and adds on its own, so the optimizers stay bit-identical to PyTorch and
  # the vector and scalar paths round alike.
  "targets": [
    {
      "target_name": "anneal",
      "sources": [
        "<!@(node -e \"const fs=require('fs'),p=require('path');const walk=(d)=>fs.readdirSync(d,{withFileTypes:true}).flatMap((e)=>e.isDirectory()?walk(p.join(d,e.name)):e.name.endsWith('.cpp')?[p.join(d,e.name)]:[]);console.log(walk('src').sort().join(' '))\")"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags!": ["-O2", "-fno-exceptions"],
      "cflags_cc!": ["-std=gnu++17", "-std=gnu++20", "-fno-exceptions", "-O2"],
      "cflags": ["-O3", "-ffp-contract=off"],
      "cflags_cc": ["-O3", "-std=c++17", "-fexceptions", "-ffp-contract=off"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CFLAGS": ["-O3", "-ffp-contract=off"]
      }
    }
  ]
}
