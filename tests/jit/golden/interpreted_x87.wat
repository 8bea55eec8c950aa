;; x87 instructions inside a block, each a call to the interpreter's handler
;; Compiled by tests/jit/golden_cases.ts; after a reviewed change: deno task jit-golden

;; b0: block at 0x10000, 8 instructions
;;   10000  mov ecx, 0x5
;;   10005  mov esi, 0x20000
;;   1000a  fld dword [esi]
;;   1000c  fadd st0, st0
;;   1000e  fstp dword [esi]
;;   10010  add eax, 0x1
;;   10016  dec ecx
;;   10017  jnz top
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
    (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $l4 i32) (local $l5 i32) (local $l6 i32) (local $l7 i32) (local $l8 i32) (local $l9 i32) (local $l10 i32) (local $l11 i32) (local $l12 i32) (local $l13 i32) (local $l14 i32) (local $l15 i32) (local $l16 i32)
    i32.const 5
    local.set $l2
    i32.const 131072
    local.set $l3
    i32.const 4194308
    local.get $l2
    i32.store
    i32.const 4194328
    local.get $l3
    i32.store
    i32.const 65546
    i32.const 65548
    local.get $p0
    i32.const 2
    i32.add
    call $env.interpret
    if $I0
      local.get $p0
      i32.const 3
      i32.add
      return
    end
    i32.const 65548
    i32.const 65550
    local.get $p0
    i32.const 3
    i32.add
    call $env.interpret
    if $I1
      local.get $p0
      i32.const 4
      i32.add
      return
    end
    i32.const 65550
    i32.const 65552
    local.get $p0
    i32.const 4
    i32.add
    call $env.interpret
    if $I2
      local.get $p0
      i32.const 5
      i32.add
      return
    end
    i32.const 4194304
    i32.load
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
    i32.const 4194308
    i32.load
    local.set $l7
    local.get $l7
    local.set $l8
    local.get $l8
    i32.const 1
    i32.sub
    local.set $l9
    local.get $l6
    local.get $l5
    i32.lt_u
    local.set $l10
    i32.const 4194340
    i32.const 4194340
    i32.load
    i32.const -2
    i32.and
    local.get $l10
    i32.or
    i32.store
    i32.const 4194348
    i32.const 1
    i32.store
    i32.const 4194356
    local.get $l8
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l9
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2260
    i32.store
    local.get $l9
    local.set $l7
    local.get $l9
    i32.eqz
    local.set $l11
    local.get $l11
    i32.eqz
    local.set $l12
    local.get $l12
    if $I3
      i32.const 4194304
      local.get $l4
      i32.store
      i32.const 4194308
      local.get $l7
      i32.store
      local.get $p0
      i32.const 8
      i32.add
      local.set $l13
      local.get $l13
      i32.const 12648448
      i32.load
      i32.le_s
      if $I4
        i32.const 12648512
        i32.load
        local.tee $l14
        if $I5
          local.get $l13
          local.get $l14
          return_call_indirect (type $t0)
        end
      end
      i32.const 4194336
      i32.const 65546
      i32.store
      local.get $l13
      return
    end
    i32.const 4194304
    local.get $l4
    i32.store
    i32.const 4194308
    local.get $l7
    i32.store
    local.get $p0
    i32.const 8
    i32.add
    local.set $l15
    local.get $l15
    i32.const 12648448
    i32.load
    i32.le_s
    if $I6
      i32.const 12648516
      i32.load
      local.tee $l16
      if $I7
        local.get $l15
        local.get $l16
        return_call_indirect (type $t0)
      end
    end
    i32.const 4194336
    i32.const 65565
    i32.store
    local.get $l15
    return)
  (export "b0" (func $b0)))

;; b0: block at 0x1000a, 6 instructions
;;   1000a  fld dword [esi]
;;   1000c  fadd st0, st0
;;   1000e  fstp dword [esi]
;;   10010  add eax, 0x1
;;   10016  dec ecx
;;   10017  jnz top
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
    (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $l4 i32) (local $l5 i32) (local $l6 i32) (local $l7 i32) (local $l8 i32) (local $l9 i32) (local $l10 i32) (local $l11 i32) (local $l12 i32) (local $l13 i32) (local $l14 i32)
    i32.const 65546
    i32.const 65548
    local.get $p0
    i32.const 0
    i32.add
    call $env.interpret
    if $I0
      local.get $p0
      i32.const 1
      i32.add
      return
    end
    i32.const 65548
    i32.const 65550
    local.get $p0
    i32.const 1
    i32.add
    call $env.interpret
    if $I1
      local.get $p0
      i32.const 2
      i32.add
      return
    end
    i32.const 65550
    i32.const 65552
    local.get $p0
    i32.const 2
    i32.add
    call $env.interpret
    if $I2
      local.get $p0
      i32.const 3
      i32.add
      return
    end
    i32.const 4194304
    i32.load
    local.set $l2
    local.get $l2
    local.set $l3
    local.get $l3
    i32.const 1
    i32.add
    local.set $l4
    i32.const 4194348
    i32.const 0
    i32.store
    i32.const 4194356
    local.get $l3
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l4
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2261
    i32.store
    local.get $l4
    local.set $l2
    i32.const 4194308
    i32.load
    local.set $l5
    local.get $l5
    local.set $l6
    local.get $l6
    i32.const 1
    i32.sub
    local.set $l7
    local.get $l4
    local.get $l3
    i32.lt_u
    local.set $l8
    i32.const 4194340
    i32.const 4194340
    i32.load
    i32.const -2
    i32.and
    local.get $l8
    i32.or
    i32.store
    i32.const 4194348
    i32.const 1
    i32.store
    i32.const 4194356
    local.get $l6
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l7
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2260
    i32.store
    local.get $l7
    local.set $l5
    local.get $l7
    i32.eqz
    local.set $l9
    local.get $l9
    i32.eqz
    local.set $l10
    local.get $l10
    if $I3
      i32.const 4194304
      local.get $l2
      i32.store
      i32.const 4194308
      local.get $l5
      i32.store
      local.get $p0
      i32.const 6
      i32.add
      local.set $l11
      local.get $l11
      i32.const 12648448
      i32.load
      i32.le_s
      if $I4
        i32.const 12648520
        i32.load
        local.tee $l12
        if $I5
          local.get $l11
          local.get $l12
          return_call_indirect (type $t0)
        end
      end
      i32.const 4194336
      i32.const 65546
      i32.store
      local.get $l11
      return
    end
    i32.const 4194304
    local.get $l2
    i32.store
    i32.const 4194308
    local.get $l5
    i32.store
    local.get $p0
    i32.const 6
    i32.add
    local.set $l13
    local.get $l13
    i32.const 12648448
    i32.load
    i32.le_s
    if $I6
      i32.const 12648524
      i32.load
      local.tee $l14
      if $I7
        local.get $l13
        local.get $l14
        return_call_indirect (type $t0)
      end
    end
    i32.const 4194336
    i32.const 65565
    i32.store
    local.get $l13
    return)
  (export "b0" (func $b0)))
