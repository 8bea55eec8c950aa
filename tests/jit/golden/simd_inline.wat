;; SSE2 integer instructions of the SIMD table inline, the interpreter as slow path
;; Compiled by tests/jit/golden_cases.ts; after a reviewed change: deno task jit-golden

;; b0: block at 0x1000b, 6 instructions
;;   1000b  mov ecx, 0x5
;;   10010  mov esi, 0x20000
;;   10015  movdqa xmm0, [esi]
;;   10019  paddd xmm1, xmm0
;;   1001d  dec ecx
;;   1001e  jnz top
(module
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (param i32 i32 i32 i32 i32) (result i32)))
  (type $t2 (func (param i32 i32 i32 i32 i32 i32) (result i32)))
  (type $t3 (func (param i32 i32 i32 i32) (result i32)))
  (type $t4 (func (param i32 i32 i32) (result i32)))
  (import "env" "memory" (memory $env.memory 320 320 shared))
  (import "env" "blocks" (table $env.blocks 1 funcref))
  (import "env" "read" (func $env.read (type $t3)))
  (import "env" "write" (func $env.write (type $t1)))
  (import "env" "readSeg" (func $env.readSeg (type $t1)))
  (import "env" "writeSeg" (func $env.writeSeg (type $t2)))
  (import "env" "flags" (func $env.flags (type $t0)))
  (import "env" "cond" (func $env.cond (type $t0)))
  (import "env" "helper" (func $env.helper (type $t2)))
  (import "env" "interpret" (func $env.interpret (type $t4)))
  (func $b0 (type $t0) (param $p0 i32) (result i32)
    (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $l4 i32) (local $l5 i32) (local $l6 i32) (local $l7 i32) (local $l8 i32) (local $l9 i32) (local $l10 i32) (local $l11 i32) (local $l12 i32) (local $l13 i32) (local $l14 i32) (local $l15 i32) (local $l16 i32) (local $l17 i32)
    i32.const 5
    local.set $l2
    i32.const 131072
    local.set $l3
    local.get $l3
    local.set $l4
    i32.const 4194420
    i32.load
    local.set $l5
    local.get $l5
    local.get $l4
    i32.add
    local.set $l6
    i32.const 4194496
    i32.load
    i32.const 12
    i32.and
    i32.const 4194508
    i32.load
    i32.const 512
    i32.and
    i32.const 512
    i32.xor
    i32.or
    i32.eqz
    i32.const 4259840
    local.get $l6
    i32.const 12
    i32.shr_u
    i32.const 2
    i32.shl
    i32.add
    i32.load
    local.tee $l7
    i32.const 1
    i32.and
    i32.const 0
    i32.ne
    local.get $l6
    i32.const 4095
    i32.and
    i32.const 4080
    i32.le_u
    i32.and
    i32.and
    local.get $l6
    i32.const 15
    i32.and
    i32.eqz
    i32.and
    if $I0
      local.get $l7
      i32.const -4096
      i32.and
      local.get $l6
      i32.const 4095
      i32.and
      i32.add
      local.set $l8
      i32.const 4195328
      local.get $l8
      v128.load align=1
      v128.store
    else
      i32.const 4194308
      local.get $l2
      i32.store
      i32.const 4194328
      local.get $l3
      i32.store
      i32.const 65557
      i32.const 65561
      local.get $p0
      i32.const 2
      i32.add
      call $env.interpret
      if $I1
        local.get $p0
        i32.const 3
        i32.add
        return
      end
    end
    i32.const 4194496
    i32.load
    i32.const 12
    i32.and
    i32.const 4194508
    i32.load
    i32.const 512
    i32.and
    i32.const 512
    i32.xor
    i32.or
    i32.eqz
    if $I2
      i32.const 4195344
      i32.const 4195344
      v128.load
      i32.const 4195328
      v128.load
      i32x4.add
      v128.store
    else
      i32.const 4194308
      local.get $l2
      i32.store
      i32.const 4194328
      local.get $l3
      i32.store
      i32.const 65561
      i32.const 65565
      local.get $p0
      i32.const 3
      i32.add
      call $env.interpret
      if $I3
        local.get $p0
        i32.const 4
        i32.add
        return
      end
    end
    local.get $l2
    local.set $l9
    local.get $l9
    i32.const 1
    i32.sub
    local.set $l10
    i32.const 4194344
    i32.load
    i32.const 1
    i32.and
    if $I4 (result i32)
      i32.const 1
      call $env.flags
    else
      i32.const 4194340
      i32.load
      i32.const 1
      i32.and
    end
    local.set $l11
    i32.const 4194340
    i32.const 4194340
    i32.load
    i32.const -2
    i32.and
    local.get $l11
    i32.or
    i32.store
    i32.const 4194348
    i32.const 1
    i32.store
    i32.const 4194356
    local.get $l9
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l10
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2260
    i32.store
    local.get $l10
    local.set $l2
    local.get $l10
    i32.eqz
    local.set $l12
    local.get $l12
    i32.eqz
    local.set $l13
    local.get $l13
    if $I5
      i32.const 4194308
      local.get $l2
      i32.store
      i32.const 4194328
      local.get $l3
      i32.store
      local.get $p0
      i32.const 6
      i32.add
      local.set $l14
      local.get $l14
      i32.const 12648448
      i32.load
      i32.le_s
      if $I6
        i32.const 12648512
        i32.load
        local.tee $l15
        if $I7
          local.get $l14
          local.get $l15
          return_call_indirect (type $t0)
        end
      end
      i32.const 4194336
      i32.const 65557
      i32.store
      local.get $l14
      return
    end
    i32.const 4194308
    local.get $l2
    i32.store
    i32.const 4194328
    local.get $l3
    i32.store
    local.get $p0
    i32.const 6
    i32.add
    local.set $l16
    local.get $l16
    i32.const 12648448
    i32.load
    i32.le_s
    if $I8
      i32.const 12648516
      i32.load
      local.tee $l17
      if $I9
        local.get $l16
        local.get $l17
        return_call_indirect (type $t0)
      end
    end
    i32.const 4194336
    i32.const 65572
    i32.store
    local.get $l16
    return)
  (export "b0" (func $b0)))

;; b0: block at 0x10015, 4 instructions
;;   10015  movdqa xmm0, [esi]
;;   10019  paddd xmm1, xmm0
;;   1001d  dec ecx
;;   1001e  jnz top
(module
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (param i32 i32 i32 i32 i32) (result i32)))
  (type $t2 (func (param i32 i32 i32 i32 i32 i32) (result i32)))
  (type $t3 (func (param i32 i32 i32 i32) (result i32)))
  (type $t4 (func (param i32 i32 i32) (result i32)))
  (import "env" "memory" (memory $env.memory 320 320 shared))
  (import "env" "blocks" (table $env.blocks 1 funcref))
  (import "env" "read" (func $env.read (type $t3)))
  (import "env" "write" (func $env.write (type $t1)))
  (import "env" "readSeg" (func $env.readSeg (type $t1)))
  (import "env" "writeSeg" (func $env.writeSeg (type $t2)))
  (import "env" "flags" (func $env.flags (type $t0)))
  (import "env" "cond" (func $env.cond (type $t0)))
  (import "env" "helper" (func $env.helper (type $t2)))
  (import "env" "interpret" (func $env.interpret (type $t4)))
  (func $b0 (type $t0) (param $p0 i32) (result i32)
    (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $l4 i32) (local $l5 i32) (local $l6 i32) (local $l7 i32) (local $l8 i32) (local $l9 i32) (local $l10 i32) (local $l11 i32) (local $l12 i32) (local $l13 i32) (local $l14 i32) (local $l15 i32) (local $l16 i32) (local $l17 i32)
    i32.const 4194328
    i32.load
    local.set $l2
    local.get $l2
    local.set $l3
    i32.const 4194420
    i32.load
    local.set $l4
    local.get $l4
    local.get $l3
    i32.add
    local.set $l5
    i32.const 4194496
    i32.load
    i32.const 12
    i32.and
    i32.const 4194508
    i32.load
    i32.const 512
    i32.and
    i32.const 512
    i32.xor
    i32.or
    i32.eqz
    i32.const 4259840
    local.get $l5
    i32.const 12
    i32.shr_u
    i32.const 2
    i32.shl
    i32.add
    i32.load
    local.tee $l6
    i32.const 1
    i32.and
    i32.const 0
    i32.ne
    local.get $l5
    i32.const 4095
    i32.and
    i32.const 4080
    i32.le_u
    i32.and
    i32.and
    local.get $l5
    i32.const 15
    i32.and
    i32.eqz
    i32.and
    if $I0
      local.get $l6
      i32.const -4096
      i32.and
      local.get $l5
      i32.const 4095
      i32.and
      i32.add
      local.set $l7
      i32.const 4195328
      local.get $l7
      v128.load align=1
      v128.store
    else
      i32.const 65557
      i32.const 65561
      local.get $p0
      i32.const 0
      i32.add
      call $env.interpret
      if $I1
        local.get $p0
        i32.const 1
        i32.add
        return
      end
    end
    i32.const 4194496
    i32.load
    i32.const 12
    i32.and
    i32.const 4194508
    i32.load
    i32.const 512
    i32.and
    i32.const 512
    i32.xor
    i32.or
    i32.eqz
    if $I2
      i32.const 4195344
      i32.const 4195344
      v128.load
      i32.const 4195328
      v128.load
      i32x4.add
      v128.store
    else
      i32.const 65561
      i32.const 65565
      local.get $p0
      i32.const 1
      i32.add
      call $env.interpret
      if $I3
        local.get $p0
        i32.const 2
        i32.add
        return
      end
    end
    i32.const 4194308
    i32.load
    local.set $l8
    local.get $l8
    local.set $l9
    local.get $l9
    i32.const 1
    i32.sub
    local.set $l10
    i32.const 4194344
    i32.load
    i32.const 1
    i32.and
    if $I4 (result i32)
      i32.const 1
      call $env.flags
    else
      i32.const 4194340
      i32.load
      i32.const 1
      i32.and
    end
    local.set $l11
    i32.const 4194340
    i32.const 4194340
    i32.load
    i32.const -2
    i32.and
    local.get $l11
    i32.or
    i32.store
    i32.const 4194348
    i32.const 1
    i32.store
    i32.const 4194356
    local.get $l9
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l10
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2260
    i32.store
    local.get $l10
    local.set $l8
    local.get $l10
    i32.eqz
    local.set $l12
    local.get $l12
    i32.eqz
    local.set $l13
    local.get $l13
    if $I5
      i32.const 4194308
      local.get $l8
      i32.store
      local.get $p0
      i32.const 4
      i32.add
      local.set $l14
      local.get $l14
      i32.const 12648448
      i32.load
      i32.le_s
      if $I6
        i32.const 12648520
        i32.load
        local.tee $l15
        if $I7
          local.get $l14
          local.get $l15
          return_call_indirect (type $t0)
        end
      end
      i32.const 4194336
      i32.const 65557
      i32.store
      local.get $l14
      return
    end
    i32.const 4194308
    local.get $l8
    i32.store
    local.get $p0
    i32.const 4
    i32.add
    local.set $l16
    local.get $l16
    i32.const 12648448
    i32.load
    i32.le_s
    if $I8
      i32.const 12648524
      i32.load
      local.tee $l17
      if $I9
        local.get $l16
        local.get $l17
        return_call_indirect (type $t0)
      end
    end
    i32.const 4194336
    i32.const 65572
    i32.store
    local.get $l16
    return)
  (export "b0" (func $b0)))
