;; a SHL by CL, whose flags are written only when the masked count is not 0
;; Compiled by tests/jit/golden_cases.ts; after a reviewed change: deno task jit-golden

;; b0: block at 0x10000, 6 instructions
;;   10000  mov ecx, 0x5
;;   10005  mov eax, ecx
;;   10007  add eax, 0x1
;;   1000d  shl eax, cl
;;   1000f  dec ecx
;;   10010  jnz top
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
    (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $l4 i32) (local $l5 i32) (local $l6 i32) (local $l7 i32) (local $l8 i32) (local $l9 i32) (local $l10 i32) (local $l11 i32) (local $l12 i32) (local $l13 i32) (local $l14 i32) (local $l15 i32) (local $l16 i32) (local $l17 i32) (local $l18 i32) (local $l19 i32) (local $l20 i32) (local $l21 i32) (local $l22 i32) (local $l23 i32) (local $l24 i32) (local $l25 i32) (local $l26 i32) (local $l27 i32) (local $l28 i32)
    i32.const 5
    local.set $l2
    local.get $l2
    local.set $l3
    local.get $l3
    local.set $l4
    local.get $l4
    local.set $l5
    local.get $l5
    i32.const 1
    i32.add
    local.set $l6
    i32.const 4194348
    i32.const 0
    i32.store
    i32.const 4194356
    local.get $l5
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l6
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2261
    i32.store
    local.get $l6
    local.set $l4
    local.get $l2
    i32.const 255
    i32.and
    local.set $l7
    local.get $l7
    i32.const 31
    i32.and
    local.set $l8
    local.get $l4
    local.set $l9
    local.get $l8
    i32.const 1
    i32.sub
    local.set $l10
    local.get $l9
    local.get $l10
    i32.shl
    local.set $l11
    local.get $l11
    i32.const 31
    i32.shr_u
    local.set $l12
    local.get $l12
    i32.const 1
    i32.and
    local.set $l13
    local.get $l9
    local.get $l8
    i32.shl
    local.set $l14
    local.get $l14
    i32.const 31
    i32.shr_u
    local.set $l15
    local.get $l15
    i32.const 1
    i32.and
    local.set $l16
    local.get $l16
    local.get $l13
    i32.xor
    local.set $l17
    local.get $l17
    i32.const 11
    i32.shl
    local.set $l18
    local.get $l13
    local.get $l18
    i32.or
    local.set $l19
    local.get $l8
    if $I0
      i32.const 4194340
      i32.const 4194340
      i32.load
      i32.const -2066
      i32.and
      local.get $l19
      i32.or
      i32.store
      i32.const 4194364
      local.get $l14
      i32.store
      i32.const 4194352
      i32.const 31
      i32.store
      i32.const 4194344
      i32.const 196
      i32.store
    end
    local.get $l14
    local.set $l4
    local.get $l2
    local.set $l20
    local.get $l20
    i32.const 1
    i32.sub
    local.set $l21
    i32.const 4194344
    i32.load
    i32.const 1
    i32.and
    if $I1 (result i32)
      i32.const 1
      call $env.flags
    else
      i32.const 4194340
      i32.load
      i32.const 1
      i32.and
    end
    local.set $l22
    i32.const 4194340
    i32.const 4194340
    i32.load
    i32.const -2
    i32.and
    local.get $l22
    i32.or
    i32.store
    i32.const 4194348
    i32.const 1
    i32.store
    i32.const 4194356
    local.get $l20
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l21
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2260
    i32.store
    local.get $l21
    local.set $l2
    local.get $l21
    i32.eqz
    local.set $l23
    local.get $l23
    i32.eqz
    local.set $l24
    local.get $l24
    if $I2
      i32.const 4194304
      local.get $l4
      i32.store
      i32.const 4194308
      local.get $l2
      i32.store
      local.get $p0
      i32.const 6
      i32.add
      local.set $l25
      local.get $l25
      i32.const 12648448
      i32.load
      i32.le_s
      if $I3
        i32.const 12648512
        i32.load
        local.tee $l26
        if $I4
          local.get $l25
          local.get $l26
          return_call_indirect (type $t0)
        end
      end
      i32.const 4194336
      i32.const 65541
      i32.store
      local.get $l25
      return
    end
    i32.const 4194304
    local.get $l4
    i32.store
    i32.const 4194308
    local.get $l2
    i32.store
    local.get $p0
    i32.const 6
    i32.add
    local.set $l27
    local.get $l27
    i32.const 12648448
    i32.load
    i32.le_s
    if $I5
      i32.const 12648516
      i32.load
      local.tee $l28
      if $I6
        local.get $l27
        local.get $l28
        return_call_indirect (type $t0)
      end
    end
    i32.const 4194336
    i32.const 65558
    i32.store
    local.get $l27
    return)
  (export "b0" (func $b0)))

;; b0: block at 0x10005, 5 instructions
;;   10005  mov eax, ecx
;;   10007  add eax, 0x1
;;   1000d  shl eax, cl
;;   1000f  dec ecx
;;   10010  jnz top
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
    (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $l4 i32) (local $l5 i32) (local $l6 i32) (local $l7 i32) (local $l8 i32) (local $l9 i32) (local $l10 i32) (local $l11 i32) (local $l12 i32) (local $l13 i32) (local $l14 i32) (local $l15 i32) (local $l16 i32) (local $l17 i32) (local $l18 i32) (local $l19 i32) (local $l20 i32) (local $l21 i32) (local $l22 i32) (local $l23 i32) (local $l24 i32) (local $l25 i32) (local $l26 i32) (local $l27 i32) (local $l28 i32)
    i32.const 4194308
    i32.load
    local.set $l2
    local.get $l2
    local.set $l3
    local.get $l3
    local.set $l4
    local.get $l4
    local.set $l5
    local.get $l5
    i32.const 1
    i32.add
    local.set $l6
    i32.const 4194348
    i32.const 0
    i32.store
    i32.const 4194356
    local.get $l5
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l6
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2261
    i32.store
    local.get $l6
    local.set $l4
    local.get $l2
    i32.const 255
    i32.and
    local.set $l7
    local.get $l7
    i32.const 31
    i32.and
    local.set $l8
    local.get $l4
    local.set $l9
    local.get $l8
    i32.const 1
    i32.sub
    local.set $l10
    local.get $l9
    local.get $l10
    i32.shl
    local.set $l11
    local.get $l11
    i32.const 31
    i32.shr_u
    local.set $l12
    local.get $l12
    i32.const 1
    i32.and
    local.set $l13
    local.get $l9
    local.get $l8
    i32.shl
    local.set $l14
    local.get $l14
    i32.const 31
    i32.shr_u
    local.set $l15
    local.get $l15
    i32.const 1
    i32.and
    local.set $l16
    local.get $l16
    local.get $l13
    i32.xor
    local.set $l17
    local.get $l17
    i32.const 11
    i32.shl
    local.set $l18
    local.get $l13
    local.get $l18
    i32.or
    local.set $l19
    local.get $l8
    if $I0
      i32.const 4194340
      i32.const 4194340
      i32.load
      i32.const -2066
      i32.and
      local.get $l19
      i32.or
      i32.store
      i32.const 4194364
      local.get $l14
      i32.store
      i32.const 4194352
      i32.const 31
      i32.store
      i32.const 4194344
      i32.const 196
      i32.store
    end
    local.get $l14
    local.set $l4
    local.get $l2
    local.set $l20
    local.get $l20
    i32.const 1
    i32.sub
    local.set $l21
    i32.const 4194344
    i32.load
    i32.const 1
    i32.and
    if $I1 (result i32)
      i32.const 1
      call $env.flags
    else
      i32.const 4194340
      i32.load
      i32.const 1
      i32.and
    end
    local.set $l22
    i32.const 4194340
    i32.const 4194340
    i32.load
    i32.const -2
    i32.and
    local.get $l22
    i32.or
    i32.store
    i32.const 4194348
    i32.const 1
    i32.store
    i32.const 4194356
    local.get $l20
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l21
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2260
    i32.store
    local.get $l21
    local.set $l2
    local.get $l21
    i32.eqz
    local.set $l23
    local.get $l23
    i32.eqz
    local.set $l24
    local.get $l24
    if $I2
      i32.const 4194304
      local.get $l4
      i32.store
      i32.const 4194308
      local.get $l2
      i32.store
      local.get $p0
      i32.const 5
      i32.add
      local.set $l25
      local.get $l25
      i32.const 12648448
      i32.load
      i32.le_s
      if $I3
        i32.const 12648520
        i32.load
        local.tee $l26
        if $I4
          local.get $l25
          local.get $l26
          return_call_indirect (type $t0)
        end
      end
      i32.const 4194336
      i32.const 65541
      i32.store
      local.get $l25
      return
    end
    i32.const 4194304
    local.get $l4
    i32.store
    i32.const 4194308
    local.get $l2
    i32.store
    local.get $p0
    i32.const 5
    i32.add
    local.set $l27
    local.get $l27
    i32.const 12648448
    i32.load
    i32.le_s
    if $I5
      i32.const 12648524
      i32.load
      local.tee $l28
      if $I6
        local.get $l27
        local.get $l28
        return_call_indirect (type $t0)
      end
    end
    i32.const 4194336
    i32.const 65558
    i32.store
    local.get $l27
    return)
  (export "b0" (func $b0)))
