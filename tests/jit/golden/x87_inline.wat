;; x87 instructions inside a block: FLD m32, FADD and FSTP m32 inline (the interpreter's handler as slow path), FRNDINT a call to the interpreter
;; Compiled by tests/jit/golden_cases.ts; after a reviewed change: deno task jit-golden

;; b0: block at 0x10000, 9 instructions
;;   10000  mov ecx, 0x5
;;   10005  mov esi, 0x20000
;;   1000a  fld dword [esi]
;;   1000c  fadd st0, st0
;;   1000e  frndint
;;   10010  fstp dword [esi]
;;   10012  add eax, 0x1
;;   10018  dec ecx
;;   10019  jnz top
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
    (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $l4 i32) (local $l5 i32) (local $l6 i32) (local $l7 i32) (local $l8 i32) (local $l9 i32) (local $l10 i32) (local $l11 i32) (local $l12 i32) (local $l13 i32) (local $l14 i32) (local $l15 i32) (local $l16 i32) (local $l17 i32) (local $l18 i32) (local $l19 i32) (local $l20 i32) (local $l21 i32) (local $l22 i32) (local $l23 i32) (local $l24 i32) (local $l25 i32) (local $l26 i32) (local $l27 i32) (local $l28 i32) (local $l29 i32) (local $l30 i32) (local $l31 i32) (local $l32 i32) (local $l33 i32) (local $l34 i32) (local $l35 i32) (local $l36 i32) (local $l37 i32) (local $l38 i32) (local $l39 i32) (local $l40 i32) (local $l41 i32) (local $l42 i32) (local $l43 i32) (local $l44 i32) (local $l45 i32) (local $l46 i32) (local $l47 i32) (local $l48 i32) (local $l49 i32) (local $l50 i32) (local $l51 i32) (local $l52 i32) (local $l53 i32) (local $l54 i32) (local $l55 i32) (local $l56 i32) (local $l57 i32) (local $l58 i32) (local $l59 i32) (local $l60 i32) (local $l61 i32) (local $l62 i32) (local $l63 i32) (local $l64 i32) (local $l65 i32) (local $l66 i32) (local $l67 i32) (local $l68 i32) (local $l69 i32) (local $l70 i32) (local $l71 i32) (local $l72 i32) (local $l73 i32) (local $l74 i32) (local $l75 i32) (local $l76 i32) (local $l77 i32) (local $l78 i64) (local $l79 i64) (local $l80 i64) (local $l81 i64) (local $l82 i64) (local $l83 i64) (local $l84 i64) (local $l85 i64) (local $l86 i64) (local $l87 i64) (local $l88 i64) (local $l89 i64) (local $l90 i64) (local $l91 i64) (local $l92 i64) (local $l93 i64) (local $l94 i64) (local $l95 i64) (local $l96 i64) (local $l97 i64) (local $l98 i64) (local $l99 i64) (local $l100 i64) (local $l101 i64) (local $l102 i64) (local $l103 i64) (local $l104 i64) (local $l105 i64)
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
    block $B0
      block $B1
        i32.const 4194496
        i32.load
        i32.const 12
        i32.and
        br_if $B1
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
        i32.const 4092
        i32.le_u
        i32.and
        i32.eqz
        br_if $B1
        local.get $l7
        i32.const -4096
        i32.and
        local.get $l6
        i32.const 4095
        i32.and
        i32.add
        local.set $l8
        i32.const 4195584
        i32.load offset=136
        local.set $l17
        i32.const 4195584
        i32.load offset=140
        local.set $l18
        local.get $l17
        i32.const 63
        i32.and
        i32.const 63
        i32.ne
        local.get $l18
        i32.const 128
        i32.and
        i32.or
        if $I2
          br $B1
        end
        i32.const 4195584
        i32.load offset=128
        local.set $l10
        i32.const 4195584
        i32.load offset=132
        local.set $l9
        i32.const 0
        local.set $l19
        i32.const 0
        local.set $l20
        local.get $l9
        local.get $l10
        i32.const 7
        i32.add
        i32.const 7
        i32.and
        i32.shr_u
        i32.const 1
        i32.and
        i32.eqz
        if $I3
          br $B1
        end
        local.get $l8
        i32.load align=1
        local.set $l11
        i32.const 0
        local.set $l12
        local.get $l11
        i32.const 23
        i32.shr_u
        i32.const 255
        i32.and
        local.set $l13
        local.get $l13
        i32.eqz
        local.get $l13
        i32.const 255
        i32.eq
        i32.or
        if $I4
          br $B1
        end
        local.get $l11
        i32.const 8388607
        i32.and
        i64.extend_i32_u
        i64.const 40
        i64.shl
        i64.const -9223372036854775808
        i64.or
        local.set $l78
        local.get $l11
        i32.const 31
        i32.shr_u
        i32.const 15
        i32.shl
        local.get $l13
        i32.const 16256
        i32.add
        i32.or
        local.set $l14
        local.get $l78
        local.set $l79
        local.get $l14
        local.set $l15
        local.get $l10
        i32.const 1
        i32.sub
        i32.const 7
        i32.and
        local.set $l10
        i32.const 4195584
        local.get $l10
        i32.const 4
        i32.shl
        i32.add
        local.set $l16
        local.get $l16
        local.get $l79
        i64.store align=4
        local.get $l16
        local.get $l15
        i32.store offset=8
        local.get $l9
        i32.const 1
        local.get $l10
        i32.shl
        i32.const -1
        i32.xor
        i32.and
        local.set $l9
        i32.const 0
        if $I5
          local.get $l9
          i32.const 1
          local.get $l10
          i32.shl
          i32.or
          local.set $l9
          local.get $l10
          i32.const 1
          i32.add
          i32.const 7
          i32.and
          local.set $l10
        end
        i32.const 4195584
        local.get $l10
        i32.store offset=128
        i32.const 4195584
        local.get $l9
        i32.store offset=132
        i32.const 4195584
        local.get $l18
        i32.const 65023
        i32.and
        i32.const 512
        i32.const 0
        local.get $l20
        select
        i32.or
        i32.const 32
        i32.const 0
        local.get $l19
        select
        i32.or
        i32.store offset=140
        i32.const 4195584
        i32.const 65546
        i32.store offset=144
        i32.const 4195584
        i32.const 4194384
        i32.load
        i32.const 65535
        i32.and
        i32.const 4194416
        i32.load
        i32.const 65535
        i32.and
        i32.const 16
        i32.shl
        i32.or
        i32.const 65535
        i32.and
        i32.store offset=148
        i32.const 4195584
        i32.const 262
        i32.store offset=152
        i32.const 4195584
        local.get $l4
        i32.store offset=156
        i32.const 4195584
        i32.const 4194384
        i32.load
        i32.const 65535
        i32.and
        i32.const 4194416
        i32.load
        i32.const 65535
        i32.and
        i32.const 16
        i32.shl
        i32.or
        i32.const 16
        i32.shr_u
        i32.store offset=160
        br $B0
      end
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
      if $I6
        local.get $p0
        i32.const 3
        i32.add
        return
      end
    end
    block $B7
      block $B8
        i32.const 4194496
        i32.load
        i32.const 12
        i32.and
        br_if $B8
        i32.const 4195584
        i32.load offset=136
        local.set $l17
        i32.const 4195584
        i32.load offset=140
        local.set $l18
        local.get $l17
        i32.const 63
        i32.and
        i32.const 63
        i32.ne
        local.get $l18
        i32.const 128
        i32.and
        i32.or
        if $I9
          br $B8
        end
        i32.const 4195584
        i32.load offset=128
        local.set $l10
        i32.const 4195584
        i32.load offset=132
        local.set $l9
        i32.const 0
        local.set $l19
        i32.const 0
        local.set $l20
        local.get $l9
        local.get $l10
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        i32.shr_u
        i32.const 1
        i32.and
        local.get $l9
        local.get $l10
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        i32.shr_u
        i32.const 1
        i32.and
        i32.or
        if $I10
          br $B8
        end
        local.get $l10
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        local.set $l21
        i32.const 4195584
        local.get $l21
        i32.const 4
        i32.shl
        i32.add
        i64.load align=4
        local.set $l80
        i32.const 4195584
        local.get $l21
        i32.const 4
        i32.shl
        i32.add
        i32.load offset=8
        local.set $l22
        local.get $l9
        local.get $l10
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        i32.shr_u
        i32.const 1
        i32.and
        if $I11
          br $B8
        end
        local.get $l10
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        local.set $l23
        local.get $l17
        i32.const 8
        i32.shr_u
        i32.const 3
        i32.and
        local.set $l24
        local.get $l80
        local.set $l81
        local.get $l22
        local.set $l25
        i32.const 4195584
        local.get $l23
        i32.const 4
        i32.shl
        i32.add
        i64.load align=4
        local.set $l82
        i32.const 4195584
        local.get $l23
        i32.const 4
        i32.shl
        i32.add
        i32.load offset=8
        local.set $l26
        local.get $l25
        i32.const 32767
        i32.and
        i32.const 1
        i32.sub
        i32.const 32766
        i32.lt_u
        local.get $l81
        i64.const 0
        i64.lt_s
        i32.and
        local.get $l26
        i32.const 32767
        i32.and
        i32.const 1
        i32.sub
        i32.const 32766
        i32.lt_u
        local.get $l82
        i64.const 0
        i64.lt_s
        i32.and
        i32.and
        i32.eqz
        if $I12
          br $B8
        end
        local.get $l25
        i32.const 15
        i32.shr_u
        local.set $l27
        local.get $l26
        i32.const 15
        i32.shr_u
        i32.const 0
        i32.xor
        local.set $l28
        local.get $l25
        i32.const 32767
        i32.and
        local.set $l29
        local.get $l26
        i32.const 32767
        i32.and
        local.set $l30
        local.get $l29
        local.get $l30
        i32.gt_u
        local.get $l29
        local.get $l30
        i32.eq
        local.get $l81
        local.get $l82
        i64.ge_u
        i32.and
        i32.or
        local.set $l31
        local.get $l81
        local.get $l82
        local.get $l31
        select
        local.set $l83
        local.get $l82
        local.get $l81
        local.get $l31
        select
        local.set $l84
        local.get $l27
        local.get $l28
        local.get $l31
        select
        local.set $l32
        local.get $l29
        local.get $l30
        local.get $l31
        select
        local.set $l33
        local.get $l29
        local.get $l30
        i32.sub
        local.get $l30
        local.get $l29
        i32.sub
        local.get $l31
        select
        local.set $l34
        i32.const 0
        local.set $l35
        local.get $l34
        i32.const 128
        i32.ge_u
        if $I13
          i64.const 0
          local.set $l85
          i64.const 0
          local.set $l86
          i32.const 1
          local.set $l35
        else
          local.get $l34
          i32.const 64
          i32.ge_u
          if $I14
            local.get $l34
            i32.const 64
            i32.sub
            i64.extend_i32_u
            local.set $l87
            i64.const 0
            local.set $l85
            local.get $l84
            local.get $l87
            i64.shr_u
            local.set $l86
            local.get $l87
            i64.const 0
            i64.ne
            local.get $l84
            i64.const 64
            local.get $l87
            i64.sub
            i64.shl
            i64.const 0
            i64.ne
            i32.and
            local.set $l35
          else
            local.get $l34
            i32.eqz
            if $I15
              local.get $l84
              local.set $l85
              i64.const 0
              local.set $l86
            else
              local.get $l34
              i64.extend_i32_u
              local.set $l87
              local.get $l84
              local.get $l87
              i64.shr_u
              local.set $l85
              local.get $l84
              i64.const 64
              local.get $l87
              i64.sub
              i64.shl
              local.set $l86
            end
          end
        end
        local.get $l27
        local.get $l28
        i32.eq
        if $I16
          local.get $l83
          local.get $l85
          i64.add
          local.set $l88
          local.get $l86
          local.set $l89
          local.get $l88
          local.get $l83
          i64.lt_u
          if $I17
            local.get $l35
            local.get $l89
            i64.const 1
            i64.and
            i32.wrap_i64
            i32.or
            local.set $l35
            local.get $l89
            i64.const 1
            i64.shr_u
            local.get $l88
            i64.const 63
            i64.shl
            i64.or
            local.set $l89
            local.get $l88
            i64.const 1
            i64.shr_u
            i64.const -9223372036854775808
            i64.or
            local.set $l88
            local.get $l33
            i32.const 1
            i32.add
            local.set $l33
          end
        else
          i64.const 0
          local.get $l86
          i64.sub
          local.get $l35
          i64.extend_i32_u
          i64.sub
          local.set $l89
          local.get $l86
          i64.const 0
          i64.ne
          local.get $l35
          i32.or
          local.set $l36
          local.get $l83
          local.get $l85
          i64.sub
          local.get $l36
          i64.extend_i32_u
          i64.sub
          local.set $l88
          local.get $l88
          i64.eqz
          if $I18
            br $B8
          end
          local.get $l88
          i64.clz
          local.set $l87
          local.get $l87
          i64.const 0
          i64.ne
          if $I19
            local.get $l88
            local.get $l87
            i64.shl
            local.get $l89
            i64.const 64
            local.get $l87
            i64.sub
            i64.shr_u
            i64.or
            local.set $l88
            local.get $l89
            local.get $l87
            i64.shl
            local.set $l89
            local.get $l33
            local.get $l87
            i32.wrap_i64
            i32.sub
            local.set $l33
          end
        end
        local.get $l32
        local.set $l37
        local.get $l88
        local.set $l90
        local.get $l89
        local.set $l91
        local.get $l35
        local.set $l38
        i32.const 24
        i32.const 53
        i32.const 64
        local.get $l24
        i32.const 2
        i32.eq
        select
        local.get $l24
        i32.eqz
        select
        local.set $l39
        local.get $l17
        i32.const 10
        i32.shr_u
        i32.const 3
        i32.and
        local.set $l40
        i32.const 64
        local.get $l39
        i32.sub
        i64.extend_i32_u
        local.set $l92
        local.get $l39
        i32.const 64
        i32.eq
        if $I20
          local.get $l91
          local.set $l93
          i64.const -9223372036854775808
          local.set $l94
          local.get $l38
          local.set $l41
          local.get $l90
          i64.const 1
          i64.and
          i32.wrap_i64
          local.set $l42
        else
          i64.const 1
          local.get $l92
          i64.shl
          i64.const 1
          i64.sub
          local.set $l95
          local.get $l90
          local.get $l95
          i64.and
          local.set $l93
          i64.const 1
          local.get $l92
          i64.const 1
          i64.sub
          i64.shl
          local.set $l94
          local.get $l91
          i64.const 0
          i64.ne
          local.get $l38
          i32.or
          local.set $l41
          local.get $l90
          local.get $l92
          i64.shr_u
          i64.const 1
          i64.and
          i32.wrap_i64
          local.set $l42
          local.get $l90
          local.get $l93
          i64.xor
          local.set $l90
        end
        local.get $l93
        i64.const 0
        i64.ne
        local.get $l41
        i32.or
        local.set $l43
        i32.const 0
        local.set $l44
        local.get $l43
        if $I21
          local.get $l40
          i32.eqz
          if $I22
            local.get $l93
            local.get $l94
            i64.gt_u
            local.get $l93
            local.get $l94
            i64.eq
            local.get $l41
            local.get $l42
            i32.or
            i32.and
            i32.or
            local.set $l44
          else
            local.get $l40
            i32.const 1
            i32.eq
            if $I23
              local.get $l37
              local.set $l44
            else
              local.get $l40
              i32.const 2
              i32.eq
              if $I24
                local.get $l37
                i32.const 1
                i32.xor
                local.set $l44
              end
            end
          end
        end
        i32.const 0
        local.set $l45
        local.get $l44
        if $I25
          local.get $l90
          i64.const 1
          local.get $l92
          i64.shl
          i64.add
          local.set $l90
          local.get $l90
          i64.eqz
          if $I26
            i64.const -9223372036854775808
            local.set $l90
            i32.const 1
            local.set $l45
          end
        end
        local.get $l33
        local.set $l46
        local.get $l46
        i32.const 1
        i32.lt_s
        local.get $l46
        local.get $l45
        i32.add
        i32.const 32766
        i32.gt_s
        i32.or
        if $I27
          br $B8
        end
        local.get $l90
        local.set $l96
        local.get $l32
        i32.const 15
        i32.shl
        local.get $l46
        local.get $l45
        i32.add
        i32.or
        local.set $l47
        i32.const 4195584
        local.get $l21
        i32.const 4
        i32.shl
        i32.add
        local.set $l16
        local.get $l16
        local.get $l96
        i64.store align=4
        local.get $l16
        local.get $l47
        i32.store offset=8
        local.get $l43
        local.set $l19
        local.get $l44
        local.set $l20
        i32.const 0
        if $I28
          local.get $l9
          i32.const 1
          local.get $l10
          i32.shl
          i32.or
          local.set $l9
          local.get $l10
          i32.const 1
          i32.add
          i32.const 7
          i32.and
          local.set $l10
        end
        i32.const 4195584
        local.get $l10
        i32.store offset=128
        i32.const 4195584
        local.get $l9
        i32.store offset=132
        i32.const 4195584
        local.get $l18
        i32.const 65023
        i32.and
        i32.const 512
        i32.const 0
        local.get $l20
        select
        i32.or
        i32.const 32
        i32.const 0
        local.get $l19
        select
        i32.or
        i32.store offset=140
        i32.const 4195584
        i32.const 65548
        i32.store offset=144
        i32.const 4195584
        i32.const 4194384
        i32.load
        i32.const 65535
        i32.and
        i32.const 65535
        i32.and
        i32.store offset=148
        i32.const 4195584
        i32.const 192
        i32.store offset=152
        br $B7
      end
      i32.const 4194308
      local.get $l2
      i32.store
      i32.const 4194328
      local.get $l3
      i32.store
      i32.const 65548
      i32.const 65550
      local.get $p0
      i32.const 3
      i32.add
      call $env.interpret
      if $I29
        local.get $p0
        i32.const 4
        i32.add
        return
      end
    end
    i32.const 4194308
    local.get $l2
    i32.store
    i32.const 4194328
    local.get $l3
    i32.store
    i32.const 65550
    i32.const 65552
    local.get $p0
    i32.const 4
    i32.add
    call $env.interpret
    if $I30
      local.get $p0
      i32.const 5
      i32.add
      return
    end
    i32.const 4194328
    i32.load
    local.set $l48
    local.get $l48
    local.set $l49
    local.get $l5
    local.get $l49
    i32.add
    local.set $l50
    block $B31
      block $B32
        i32.const 4194496
        i32.load
        i32.const 12
        i32.and
        br_if $B32
        i32.const 8454144
        local.get $l50
        i32.const 12
        i32.shr_u
        i32.const 2
        i32.shl
        i32.add
        i32.load
        local.tee $l51
        i32.const 1
        i32.and
        i32.const 0
        i32.ne
        local.get $l50
        i32.const 4095
        i32.and
        i32.const 4092
        i32.le_u
        i32.and
        i32.eqz
        br_if $B32
        local.get $l51
        i32.const -4096
        i32.and
        local.get $l50
        i32.const 4095
        i32.and
        i32.add
        local.set $l52
        i32.const 4195584
        i32.load offset=136
        local.set $l17
        i32.const 4195584
        i32.load offset=140
        local.set $l18
        local.get $l17
        i32.const 63
        i32.and
        i32.const 63
        i32.ne
        local.get $l18
        i32.const 128
        i32.and
        i32.or
        if $I33
          br $B32
        end
        i32.const 4195584
        i32.load offset=128
        local.set $l10
        i32.const 4195584
        i32.load offset=132
        local.set $l9
        i32.const 0
        local.set $l19
        i32.const 0
        local.set $l20
        local.get $l9
        local.get $l10
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        i32.shr_u
        i32.const 1
        i32.and
        if $I34
          br $B32
        end
        local.get $l10
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        local.set $l23
        i32.const 4195584
        local.get $l23
        i32.const 4
        i32.shl
        i32.add
        i64.load align=4
        local.set $l97
        i32.const 4195584
        local.get $l23
        i32.const 4
        i32.shl
        i32.add
        i32.load offset=8
        local.set $l53
        local.get $l53
        i32.const 32767
        i32.and
        i32.const 1
        i32.sub
        i32.const 32766
        i32.lt_u
        local.get $l97
        i64.const 0
        i64.lt_s
        i32.and
        i32.eqz
        if $I35
          br $B32
        end
        local.get $l53
        i32.const 15
        i32.shr_u
        local.set $l54
        local.get $l54
        local.set $l55
        local.get $l97
        local.set $l98
        i64.const 0
        local.set $l99
        i32.const 0
        local.set $l56
        i32.const 24
        local.set $l57
        local.get $l17
        i32.const 10
        i32.shr_u
        i32.const 3
        i32.and
        local.set $l58
        i32.const 64
        local.get $l57
        i32.sub
        i64.extend_i32_u
        local.set $l100
        local.get $l57
        i32.const 64
        i32.eq
        if $I36
          local.get $l99
          local.set $l101
          i64.const -9223372036854775808
          local.set $l102
          local.get $l56
          local.set $l59
          local.get $l98
          i64.const 1
          i64.and
          i32.wrap_i64
          local.set $l60
        else
          i64.const 1
          local.get $l100
          i64.shl
          i64.const 1
          i64.sub
          local.set $l103
          local.get $l98
          local.get $l103
          i64.and
          local.set $l101
          i64.const 1
          local.get $l100
          i64.const 1
          i64.sub
          i64.shl
          local.set $l102
          local.get $l99
          i64.const 0
          i64.ne
          local.get $l56
          i32.or
          local.set $l59
          local.get $l98
          local.get $l100
          i64.shr_u
          i64.const 1
          i64.and
          i32.wrap_i64
          local.set $l60
          local.get $l98
          local.get $l101
          i64.xor
          local.set $l98
        end
        local.get $l101
        i64.const 0
        i64.ne
        local.get $l59
        i32.or
        local.set $l61
        i32.const 0
        local.set $l62
        local.get $l61
        if $I37
          local.get $l58
          i32.eqz
          if $I38
            local.get $l101
            local.get $l102
            i64.gt_u
            local.get $l101
            local.get $l102
            i64.eq
            local.get $l59
            local.get $l60
            i32.or
            i32.and
            i32.or
            local.set $l62
          else
            local.get $l58
            i32.const 1
            i32.eq
            if $I39
              local.get $l55
              local.set $l62
            else
              local.get $l58
              i32.const 2
              i32.eq
              if $I40
                local.get $l55
                i32.const 1
                i32.xor
                local.set $l62
              end
            end
          end
        end
        i32.const 0
        local.set $l63
        local.get $l62
        if $I41
          local.get $l98
          i64.const 1
          local.get $l100
          i64.shl
          i64.add
          local.set $l98
          local.get $l98
          i64.eqz
          if $I42
            i64.const -9223372036854775808
            local.set $l98
            i32.const 1
            local.set $l63
          end
        end
        local.get $l53
        i32.const 32767
        i32.and
        i32.const 16383
        i32.sub
        local.set $l64
        local.get $l64
        i32.const -126
        i32.lt_s
        local.get $l64
        local.get $l63
        i32.add
        i32.const 127
        i32.gt_s
        i32.or
        if $I43
          br $B32
        end
        local.get $l64
        local.get $l63
        i32.add
        i32.const 127
        i32.add
        i64.extend_i32_u
        local.set $l104
        local.get $l54
        i64.extend_i32_u
        i64.const 31
        i64.shl
        local.get $l104
        i64.const 23
        i64.shl
        i64.or
        local.get $l98
        i64.const 40
        i64.shr_u
        i64.const 8388607
        i64.and
        i64.or
        local.set $l105
        local.get $l52
        local.get $l105
        i32.wrap_i64
        i32.store align=1
        local.get $l61
        local.set $l19
        local.get $l62
        local.set $l20
        i32.const 1
        if $I44
          local.get $l9
          i32.const 1
          local.get $l10
          i32.shl
          i32.or
          local.set $l9
          local.get $l10
          i32.const 1
          i32.add
          i32.const 7
          i32.and
          local.set $l10
        end
        i32.const 4195584
        local.get $l10
        i32.store offset=128
        i32.const 4195584
        local.get $l9
        i32.store offset=132
        i32.const 4195584
        local.get $l18
        i32.const 65023
        i32.and
        i32.const 512
        i32.const 0
        local.get $l20
        select
        i32.or
        i32.const 32
        i32.const 0
        local.get $l19
        select
        i32.or
        i32.store offset=140
        i32.const 4195584
        i32.const 65552
        i32.store offset=144
        i32.const 4195584
        i32.const 4194384
        i32.load
        i32.const 65535
        i32.and
        i32.const 4194416
        i32.load
        i32.const 65535
        i32.and
        i32.const 16
        i32.shl
        i32.or
        i32.const 65535
        i32.and
        i32.store offset=148
        i32.const 4195584
        i32.const 286
        i32.store offset=152
        i32.const 4195584
        local.get $l49
        i32.store offset=156
        i32.const 4195584
        i32.const 4194384
        i32.load
        i32.const 65535
        i32.and
        i32.const 4194416
        i32.load
        i32.const 65535
        i32.and
        i32.const 16
        i32.shl
        i32.or
        i32.const 16
        i32.shr_u
        i32.store offset=160
        br $B31
      end
      i32.const 65552
      i32.const 65554
      local.get $p0
      i32.const 5
      i32.add
      call $env.interpret
      if $I45
        local.get $p0
        i32.const 6
        i32.add
        return
      end
    end
    i32.const 4194304
    i32.load
    local.set $l65
    local.get $l65
    local.set $l66
    local.get $l66
    i32.const 1
    i32.add
    local.set $l67
    i32.const 4194348
    i32.const 0
    i32.store
    i32.const 4194356
    local.get $l66
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l67
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2261
    i32.store
    local.get $l67
    local.set $l65
    i32.const 4194308
    i32.load
    local.set $l68
    local.get $l68
    local.set $l69
    local.get $l69
    i32.const 1
    i32.sub
    local.set $l70
    local.get $l67
    local.get $l66
    i32.lt_u
    local.set $l71
    i32.const 4194340
    i32.const 4194340
    i32.load
    i32.const -2
    i32.and
    local.get $l71
    i32.or
    i32.store
    i32.const 4194348
    i32.const 1
    i32.store
    i32.const 4194356
    local.get $l69
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l70
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2260
    i32.store
    local.get $l70
    local.set $l68
    local.get $l70
    i32.eqz
    local.set $l72
    local.get $l72
    i32.eqz
    local.set $l73
    local.get $l73
    if $I46
      i32.const 4194304
      local.get $l65
      i32.store
      i32.const 4194308
      local.get $l68
      i32.store
      local.get $p0
      i32.const 9
      i32.add
      local.set $l74
      local.get $l74
      i32.const 12648448
      i32.load
      i32.le_s
      if $I47
        i32.const 12648512
        i32.load
        local.tee $l75
        if $I48
          local.get $l74
          local.get $l75
          return_call_indirect (type $t0)
        end
      end
      i32.const 4194336
      i32.const 65546
      i32.store
      local.get $l74
      return
    end
    i32.const 4194304
    local.get $l65
    i32.store
    i32.const 4194308
    local.get $l68
    i32.store
    local.get $p0
    i32.const 9
    i32.add
    local.set $l76
    local.get $l76
    i32.const 12648448
    i32.load
    i32.le_s
    if $I49
      i32.const 12648516
      i32.load
      local.tee $l77
      if $I50
        local.get $l76
        local.get $l77
        return_call_indirect (type $t0)
      end
    end
    i32.const 4194336
    i32.const 65567
    i32.store
    local.get $l76
    return)
  (export "b0" (func $b0)))

;; b0: block at 0x1000a, 7 instructions
;;   1000a  fld dword [esi]
;;   1000c  fadd st0, st0
;;   1000e  frndint
;;   10010  fstp dword [esi]
;;   10012  add eax, 0x1
;;   10018  dec ecx
;;   10019  jnz top
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
    (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $l4 i32) (local $l5 i32) (local $l6 i32) (local $l7 i32) (local $l8 i32) (local $l9 i32) (local $l10 i32) (local $l11 i32) (local $l12 i32) (local $l13 i32) (local $l14 i32) (local $l15 i32) (local $l16 i32) (local $l17 i32) (local $l18 i32) (local $l19 i32) (local $l20 i32) (local $l21 i32) (local $l22 i32) (local $l23 i32) (local $l24 i32) (local $l25 i32) (local $l26 i32) (local $l27 i32) (local $l28 i32) (local $l29 i32) (local $l30 i32) (local $l31 i32) (local $l32 i32) (local $l33 i32) (local $l34 i32) (local $l35 i32) (local $l36 i32) (local $l37 i32) (local $l38 i32) (local $l39 i32) (local $l40 i32) (local $l41 i32) (local $l42 i32) (local $l43 i32) (local $l44 i32) (local $l45 i32) (local $l46 i32) (local $l47 i32) (local $l48 i32) (local $l49 i32) (local $l50 i32) (local $l51 i32) (local $l52 i32) (local $l53 i32) (local $l54 i32) (local $l55 i32) (local $l56 i32) (local $l57 i32) (local $l58 i32) (local $l59 i32) (local $l60 i32) (local $l61 i32) (local $l62 i32) (local $l63 i32) (local $l64 i32) (local $l65 i32) (local $l66 i32) (local $l67 i32) (local $l68 i32) (local $l69 i32) (local $l70 i32) (local $l71 i32) (local $l72 i32) (local $l73 i32) (local $l74 i32) (local $l75 i32) (local $l76 i32) (local $l77 i64) (local $l78 i64) (local $l79 i64) (local $l80 i64) (local $l81 i64) (local $l82 i64) (local $l83 i64) (local $l84 i64) (local $l85 i64) (local $l86 i64) (local $l87 i64) (local $l88 i64) (local $l89 i64) (local $l90 i64) (local $l91 i64) (local $l92 i64) (local $l93 i64) (local $l94 i64) (local $l95 i64) (local $l96 i64) (local $l97 i64) (local $l98 i64) (local $l99 i64) (local $l100 i64) (local $l101 i64) (local $l102 i64) (local $l103 i64) (local $l104 i64)
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
    block $B0
      block $B1
        i32.const 4194496
        i32.load
        i32.const 12
        i32.and
        br_if $B1
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
        i32.const 4092
        i32.le_u
        i32.and
        i32.eqz
        br_if $B1
        local.get $l6
        i32.const -4096
        i32.and
        local.get $l5
        i32.const 4095
        i32.and
        i32.add
        local.set $l7
        i32.const 4195584
        i32.load offset=136
        local.set $l16
        i32.const 4195584
        i32.load offset=140
        local.set $l17
        local.get $l16
        i32.const 63
        i32.and
        i32.const 63
        i32.ne
        local.get $l17
        i32.const 128
        i32.and
        i32.or
        if $I2
          br $B1
        end
        i32.const 4195584
        i32.load offset=128
        local.set $l9
        i32.const 4195584
        i32.load offset=132
        local.set $l8
        i32.const 0
        local.set $l18
        i32.const 0
        local.set $l19
        local.get $l8
        local.get $l9
        i32.const 7
        i32.add
        i32.const 7
        i32.and
        i32.shr_u
        i32.const 1
        i32.and
        i32.eqz
        if $I3
          br $B1
        end
        local.get $l7
        i32.load align=1
        local.set $l10
        i32.const 0
        local.set $l11
        local.get $l10
        i32.const 23
        i32.shr_u
        i32.const 255
        i32.and
        local.set $l12
        local.get $l12
        i32.eqz
        local.get $l12
        i32.const 255
        i32.eq
        i32.or
        if $I4
          br $B1
        end
        local.get $l10
        i32.const 8388607
        i32.and
        i64.extend_i32_u
        i64.const 40
        i64.shl
        i64.const -9223372036854775808
        i64.or
        local.set $l77
        local.get $l10
        i32.const 31
        i32.shr_u
        i32.const 15
        i32.shl
        local.get $l12
        i32.const 16256
        i32.add
        i32.or
        local.set $l13
        local.get $l77
        local.set $l78
        local.get $l13
        local.set $l14
        local.get $l9
        i32.const 1
        i32.sub
        i32.const 7
        i32.and
        local.set $l9
        i32.const 4195584
        local.get $l9
        i32.const 4
        i32.shl
        i32.add
        local.set $l15
        local.get $l15
        local.get $l78
        i64.store align=4
        local.get $l15
        local.get $l14
        i32.store offset=8
        local.get $l8
        i32.const 1
        local.get $l9
        i32.shl
        i32.const -1
        i32.xor
        i32.and
        local.set $l8
        i32.const 0
        if $I5
          local.get $l8
          i32.const 1
          local.get $l9
          i32.shl
          i32.or
          local.set $l8
          local.get $l9
          i32.const 1
          i32.add
          i32.const 7
          i32.and
          local.set $l9
        end
        i32.const 4195584
        local.get $l9
        i32.store offset=128
        i32.const 4195584
        local.get $l8
        i32.store offset=132
        i32.const 4195584
        local.get $l17
        i32.const 65023
        i32.and
        i32.const 512
        i32.const 0
        local.get $l19
        select
        i32.or
        i32.const 32
        i32.const 0
        local.get $l18
        select
        i32.or
        i32.store offset=140
        i32.const 4195584
        i32.const 65546
        i32.store offset=144
        i32.const 4195584
        i32.const 4194384
        i32.load
        i32.const 65535
        i32.and
        i32.const 4194416
        i32.load
        i32.const 65535
        i32.and
        i32.const 16
        i32.shl
        i32.or
        i32.const 65535
        i32.and
        i32.store offset=148
        i32.const 4195584
        i32.const 262
        i32.store offset=152
        i32.const 4195584
        local.get $l3
        i32.store offset=156
        i32.const 4195584
        i32.const 4194384
        i32.load
        i32.const 65535
        i32.and
        i32.const 4194416
        i32.load
        i32.const 65535
        i32.and
        i32.const 16
        i32.shl
        i32.or
        i32.const 16
        i32.shr_u
        i32.store offset=160
        br $B0
      end
      i32.const 65546
      i32.const 65548
      local.get $p0
      i32.const 0
      i32.add
      call $env.interpret
      if $I6
        local.get $p0
        i32.const 1
        i32.add
        return
      end
    end
    block $B7
      block $B8
        i32.const 4194496
        i32.load
        i32.const 12
        i32.and
        br_if $B8
        i32.const 4195584
        i32.load offset=136
        local.set $l16
        i32.const 4195584
        i32.load offset=140
        local.set $l17
        local.get $l16
        i32.const 63
        i32.and
        i32.const 63
        i32.ne
        local.get $l17
        i32.const 128
        i32.and
        i32.or
        if $I9
          br $B8
        end
        i32.const 4195584
        i32.load offset=128
        local.set $l9
        i32.const 4195584
        i32.load offset=132
        local.set $l8
        i32.const 0
        local.set $l18
        i32.const 0
        local.set $l19
        local.get $l8
        local.get $l9
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        i32.shr_u
        i32.const 1
        i32.and
        local.get $l8
        local.get $l9
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        i32.shr_u
        i32.const 1
        i32.and
        i32.or
        if $I10
          br $B8
        end
        local.get $l9
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        local.set $l20
        i32.const 4195584
        local.get $l20
        i32.const 4
        i32.shl
        i32.add
        i64.load align=4
        local.set $l79
        i32.const 4195584
        local.get $l20
        i32.const 4
        i32.shl
        i32.add
        i32.load offset=8
        local.set $l21
        local.get $l8
        local.get $l9
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        i32.shr_u
        i32.const 1
        i32.and
        if $I11
          br $B8
        end
        local.get $l9
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        local.set $l22
        local.get $l16
        i32.const 8
        i32.shr_u
        i32.const 3
        i32.and
        local.set $l23
        local.get $l79
        local.set $l80
        local.get $l21
        local.set $l24
        i32.const 4195584
        local.get $l22
        i32.const 4
        i32.shl
        i32.add
        i64.load align=4
        local.set $l81
        i32.const 4195584
        local.get $l22
        i32.const 4
        i32.shl
        i32.add
        i32.load offset=8
        local.set $l25
        local.get $l24
        i32.const 32767
        i32.and
        i32.const 1
        i32.sub
        i32.const 32766
        i32.lt_u
        local.get $l80
        i64.const 0
        i64.lt_s
        i32.and
        local.get $l25
        i32.const 32767
        i32.and
        i32.const 1
        i32.sub
        i32.const 32766
        i32.lt_u
        local.get $l81
        i64.const 0
        i64.lt_s
        i32.and
        i32.and
        i32.eqz
        if $I12
          br $B8
        end
        local.get $l24
        i32.const 15
        i32.shr_u
        local.set $l26
        local.get $l25
        i32.const 15
        i32.shr_u
        i32.const 0
        i32.xor
        local.set $l27
        local.get $l24
        i32.const 32767
        i32.and
        local.set $l28
        local.get $l25
        i32.const 32767
        i32.and
        local.set $l29
        local.get $l28
        local.get $l29
        i32.gt_u
        local.get $l28
        local.get $l29
        i32.eq
        local.get $l80
        local.get $l81
        i64.ge_u
        i32.and
        i32.or
        local.set $l30
        local.get $l80
        local.get $l81
        local.get $l30
        select
        local.set $l82
        local.get $l81
        local.get $l80
        local.get $l30
        select
        local.set $l83
        local.get $l26
        local.get $l27
        local.get $l30
        select
        local.set $l31
        local.get $l28
        local.get $l29
        local.get $l30
        select
        local.set $l32
        local.get $l28
        local.get $l29
        i32.sub
        local.get $l29
        local.get $l28
        i32.sub
        local.get $l30
        select
        local.set $l33
        i32.const 0
        local.set $l34
        local.get $l33
        i32.const 128
        i32.ge_u
        if $I13
          i64.const 0
          local.set $l84
          i64.const 0
          local.set $l85
          i32.const 1
          local.set $l34
        else
          local.get $l33
          i32.const 64
          i32.ge_u
          if $I14
            local.get $l33
            i32.const 64
            i32.sub
            i64.extend_i32_u
            local.set $l86
            i64.const 0
            local.set $l84
            local.get $l83
            local.get $l86
            i64.shr_u
            local.set $l85
            local.get $l86
            i64.const 0
            i64.ne
            local.get $l83
            i64.const 64
            local.get $l86
            i64.sub
            i64.shl
            i64.const 0
            i64.ne
            i32.and
            local.set $l34
          else
            local.get $l33
            i32.eqz
            if $I15
              local.get $l83
              local.set $l84
              i64.const 0
              local.set $l85
            else
              local.get $l33
              i64.extend_i32_u
              local.set $l86
              local.get $l83
              local.get $l86
              i64.shr_u
              local.set $l84
              local.get $l83
              i64.const 64
              local.get $l86
              i64.sub
              i64.shl
              local.set $l85
            end
          end
        end
        local.get $l26
        local.get $l27
        i32.eq
        if $I16
          local.get $l82
          local.get $l84
          i64.add
          local.set $l87
          local.get $l85
          local.set $l88
          local.get $l87
          local.get $l82
          i64.lt_u
          if $I17
            local.get $l34
            local.get $l88
            i64.const 1
            i64.and
            i32.wrap_i64
            i32.or
            local.set $l34
            local.get $l88
            i64.const 1
            i64.shr_u
            local.get $l87
            i64.const 63
            i64.shl
            i64.or
            local.set $l88
            local.get $l87
            i64.const 1
            i64.shr_u
            i64.const -9223372036854775808
            i64.or
            local.set $l87
            local.get $l32
            i32.const 1
            i32.add
            local.set $l32
          end
        else
          i64.const 0
          local.get $l85
          i64.sub
          local.get $l34
          i64.extend_i32_u
          i64.sub
          local.set $l88
          local.get $l85
          i64.const 0
          i64.ne
          local.get $l34
          i32.or
          local.set $l35
          local.get $l82
          local.get $l84
          i64.sub
          local.get $l35
          i64.extend_i32_u
          i64.sub
          local.set $l87
          local.get $l87
          i64.eqz
          if $I18
            br $B8
          end
          local.get $l87
          i64.clz
          local.set $l86
          local.get $l86
          i64.const 0
          i64.ne
          if $I19
            local.get $l87
            local.get $l86
            i64.shl
            local.get $l88
            i64.const 64
            local.get $l86
            i64.sub
            i64.shr_u
            i64.or
            local.set $l87
            local.get $l88
            local.get $l86
            i64.shl
            local.set $l88
            local.get $l32
            local.get $l86
            i32.wrap_i64
            i32.sub
            local.set $l32
          end
        end
        local.get $l31
        local.set $l36
        local.get $l87
        local.set $l89
        local.get $l88
        local.set $l90
        local.get $l34
        local.set $l37
        i32.const 24
        i32.const 53
        i32.const 64
        local.get $l23
        i32.const 2
        i32.eq
        select
        local.get $l23
        i32.eqz
        select
        local.set $l38
        local.get $l16
        i32.const 10
        i32.shr_u
        i32.const 3
        i32.and
        local.set $l39
        i32.const 64
        local.get $l38
        i32.sub
        i64.extend_i32_u
        local.set $l91
        local.get $l38
        i32.const 64
        i32.eq
        if $I20
          local.get $l90
          local.set $l92
          i64.const -9223372036854775808
          local.set $l93
          local.get $l37
          local.set $l40
          local.get $l89
          i64.const 1
          i64.and
          i32.wrap_i64
          local.set $l41
        else
          i64.const 1
          local.get $l91
          i64.shl
          i64.const 1
          i64.sub
          local.set $l94
          local.get $l89
          local.get $l94
          i64.and
          local.set $l92
          i64.const 1
          local.get $l91
          i64.const 1
          i64.sub
          i64.shl
          local.set $l93
          local.get $l90
          i64.const 0
          i64.ne
          local.get $l37
          i32.or
          local.set $l40
          local.get $l89
          local.get $l91
          i64.shr_u
          i64.const 1
          i64.and
          i32.wrap_i64
          local.set $l41
          local.get $l89
          local.get $l92
          i64.xor
          local.set $l89
        end
        local.get $l92
        i64.const 0
        i64.ne
        local.get $l40
        i32.or
        local.set $l42
        i32.const 0
        local.set $l43
        local.get $l42
        if $I21
          local.get $l39
          i32.eqz
          if $I22
            local.get $l92
            local.get $l93
            i64.gt_u
            local.get $l92
            local.get $l93
            i64.eq
            local.get $l40
            local.get $l41
            i32.or
            i32.and
            i32.or
            local.set $l43
          else
            local.get $l39
            i32.const 1
            i32.eq
            if $I23
              local.get $l36
              local.set $l43
            else
              local.get $l39
              i32.const 2
              i32.eq
              if $I24
                local.get $l36
                i32.const 1
                i32.xor
                local.set $l43
              end
            end
          end
        end
        i32.const 0
        local.set $l44
        local.get $l43
        if $I25
          local.get $l89
          i64.const 1
          local.get $l91
          i64.shl
          i64.add
          local.set $l89
          local.get $l89
          i64.eqz
          if $I26
            i64.const -9223372036854775808
            local.set $l89
            i32.const 1
            local.set $l44
          end
        end
        local.get $l32
        local.set $l45
        local.get $l45
        i32.const 1
        i32.lt_s
        local.get $l45
        local.get $l44
        i32.add
        i32.const 32766
        i32.gt_s
        i32.or
        if $I27
          br $B8
        end
        local.get $l89
        local.set $l95
        local.get $l31
        i32.const 15
        i32.shl
        local.get $l45
        local.get $l44
        i32.add
        i32.or
        local.set $l46
        i32.const 4195584
        local.get $l20
        i32.const 4
        i32.shl
        i32.add
        local.set $l15
        local.get $l15
        local.get $l95
        i64.store align=4
        local.get $l15
        local.get $l46
        i32.store offset=8
        local.get $l42
        local.set $l18
        local.get $l43
        local.set $l19
        i32.const 0
        if $I28
          local.get $l8
          i32.const 1
          local.get $l9
          i32.shl
          i32.or
          local.set $l8
          local.get $l9
          i32.const 1
          i32.add
          i32.const 7
          i32.and
          local.set $l9
        end
        i32.const 4195584
        local.get $l9
        i32.store offset=128
        i32.const 4195584
        local.get $l8
        i32.store offset=132
        i32.const 4195584
        local.get $l17
        i32.const 65023
        i32.and
        i32.const 512
        i32.const 0
        local.get $l19
        select
        i32.or
        i32.const 32
        i32.const 0
        local.get $l18
        select
        i32.or
        i32.store offset=140
        i32.const 4195584
        i32.const 65548
        i32.store offset=144
        i32.const 4195584
        i32.const 4194384
        i32.load
        i32.const 65535
        i32.and
        i32.const 65535
        i32.and
        i32.store offset=148
        i32.const 4195584
        i32.const 192
        i32.store offset=152
        br $B7
      end
      i32.const 65548
      i32.const 65550
      local.get $p0
      i32.const 1
      i32.add
      call $env.interpret
      if $I29
        local.get $p0
        i32.const 2
        i32.add
        return
      end
    end
    i32.const 65550
    i32.const 65552
    local.get $p0
    i32.const 2
    i32.add
    call $env.interpret
    if $I30
      local.get $p0
      i32.const 3
      i32.add
      return
    end
    i32.const 4194328
    i32.load
    local.set $l47
    local.get $l47
    local.set $l48
    local.get $l4
    local.get $l48
    i32.add
    local.set $l49
    block $B31
      block $B32
        i32.const 4194496
        i32.load
        i32.const 12
        i32.and
        br_if $B32
        i32.const 8454144
        local.get $l49
        i32.const 12
        i32.shr_u
        i32.const 2
        i32.shl
        i32.add
        i32.load
        local.tee $l50
        i32.const 1
        i32.and
        i32.const 0
        i32.ne
        local.get $l49
        i32.const 4095
        i32.and
        i32.const 4092
        i32.le_u
        i32.and
        i32.eqz
        br_if $B32
        local.get $l50
        i32.const -4096
        i32.and
        local.get $l49
        i32.const 4095
        i32.and
        i32.add
        local.set $l51
        i32.const 4195584
        i32.load offset=136
        local.set $l16
        i32.const 4195584
        i32.load offset=140
        local.set $l17
        local.get $l16
        i32.const 63
        i32.and
        i32.const 63
        i32.ne
        local.get $l17
        i32.const 128
        i32.and
        i32.or
        if $I33
          br $B32
        end
        i32.const 4195584
        i32.load offset=128
        local.set $l9
        i32.const 4195584
        i32.load offset=132
        local.set $l8
        i32.const 0
        local.set $l18
        i32.const 0
        local.set $l19
        local.get $l8
        local.get $l9
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        i32.shr_u
        i32.const 1
        i32.and
        if $I34
          br $B32
        end
        local.get $l9
        i32.const 0
        i32.add
        i32.const 7
        i32.and
        local.set $l22
        i32.const 4195584
        local.get $l22
        i32.const 4
        i32.shl
        i32.add
        i64.load align=4
        local.set $l96
        i32.const 4195584
        local.get $l22
        i32.const 4
        i32.shl
        i32.add
        i32.load offset=8
        local.set $l52
        local.get $l52
        i32.const 32767
        i32.and
        i32.const 1
        i32.sub
        i32.const 32766
        i32.lt_u
        local.get $l96
        i64.const 0
        i64.lt_s
        i32.and
        i32.eqz
        if $I35
          br $B32
        end
        local.get $l52
        i32.const 15
        i32.shr_u
        local.set $l53
        local.get $l53
        local.set $l54
        local.get $l96
        local.set $l97
        i64.const 0
        local.set $l98
        i32.const 0
        local.set $l55
        i32.const 24
        local.set $l56
        local.get $l16
        i32.const 10
        i32.shr_u
        i32.const 3
        i32.and
        local.set $l57
        i32.const 64
        local.get $l56
        i32.sub
        i64.extend_i32_u
        local.set $l99
        local.get $l56
        i32.const 64
        i32.eq
        if $I36
          local.get $l98
          local.set $l100
          i64.const -9223372036854775808
          local.set $l101
          local.get $l55
          local.set $l58
          local.get $l97
          i64.const 1
          i64.and
          i32.wrap_i64
          local.set $l59
        else
          i64.const 1
          local.get $l99
          i64.shl
          i64.const 1
          i64.sub
          local.set $l102
          local.get $l97
          local.get $l102
          i64.and
          local.set $l100
          i64.const 1
          local.get $l99
          i64.const 1
          i64.sub
          i64.shl
          local.set $l101
          local.get $l98
          i64.const 0
          i64.ne
          local.get $l55
          i32.or
          local.set $l58
          local.get $l97
          local.get $l99
          i64.shr_u
          i64.const 1
          i64.and
          i32.wrap_i64
          local.set $l59
          local.get $l97
          local.get $l100
          i64.xor
          local.set $l97
        end
        local.get $l100
        i64.const 0
        i64.ne
        local.get $l58
        i32.or
        local.set $l60
        i32.const 0
        local.set $l61
        local.get $l60
        if $I37
          local.get $l57
          i32.eqz
          if $I38
            local.get $l100
            local.get $l101
            i64.gt_u
            local.get $l100
            local.get $l101
            i64.eq
            local.get $l58
            local.get $l59
            i32.or
            i32.and
            i32.or
            local.set $l61
          else
            local.get $l57
            i32.const 1
            i32.eq
            if $I39
              local.get $l54
              local.set $l61
            else
              local.get $l57
              i32.const 2
              i32.eq
              if $I40
                local.get $l54
                i32.const 1
                i32.xor
                local.set $l61
              end
            end
          end
        end
        i32.const 0
        local.set $l62
        local.get $l61
        if $I41
          local.get $l97
          i64.const 1
          local.get $l99
          i64.shl
          i64.add
          local.set $l97
          local.get $l97
          i64.eqz
          if $I42
            i64.const -9223372036854775808
            local.set $l97
            i32.const 1
            local.set $l62
          end
        end
        local.get $l52
        i32.const 32767
        i32.and
        i32.const 16383
        i32.sub
        local.set $l63
        local.get $l63
        i32.const -126
        i32.lt_s
        local.get $l63
        local.get $l62
        i32.add
        i32.const 127
        i32.gt_s
        i32.or
        if $I43
          br $B32
        end
        local.get $l63
        local.get $l62
        i32.add
        i32.const 127
        i32.add
        i64.extend_i32_u
        local.set $l103
        local.get $l53
        i64.extend_i32_u
        i64.const 31
        i64.shl
        local.get $l103
        i64.const 23
        i64.shl
        i64.or
        local.get $l97
        i64.const 40
        i64.shr_u
        i64.const 8388607
        i64.and
        i64.or
        local.set $l104
        local.get $l51
        local.get $l104
        i32.wrap_i64
        i32.store align=1
        local.get $l60
        local.set $l18
        local.get $l61
        local.set $l19
        i32.const 1
        if $I44
          local.get $l8
          i32.const 1
          local.get $l9
          i32.shl
          i32.or
          local.set $l8
          local.get $l9
          i32.const 1
          i32.add
          i32.const 7
          i32.and
          local.set $l9
        end
        i32.const 4195584
        local.get $l9
        i32.store offset=128
        i32.const 4195584
        local.get $l8
        i32.store offset=132
        i32.const 4195584
        local.get $l17
        i32.const 65023
        i32.and
        i32.const 512
        i32.const 0
        local.get $l19
        select
        i32.or
        i32.const 32
        i32.const 0
        local.get $l18
        select
        i32.or
        i32.store offset=140
        i32.const 4195584
        i32.const 65552
        i32.store offset=144
        i32.const 4195584
        i32.const 4194384
        i32.load
        i32.const 65535
        i32.and
        i32.const 4194416
        i32.load
        i32.const 65535
        i32.and
        i32.const 16
        i32.shl
        i32.or
        i32.const 65535
        i32.and
        i32.store offset=148
        i32.const 4195584
        i32.const 286
        i32.store offset=152
        i32.const 4195584
        local.get $l48
        i32.store offset=156
        i32.const 4195584
        i32.const 4194384
        i32.load
        i32.const 65535
        i32.and
        i32.const 4194416
        i32.load
        i32.const 65535
        i32.and
        i32.const 16
        i32.shl
        i32.or
        i32.const 16
        i32.shr_u
        i32.store offset=160
        br $B31
      end
      i32.const 65552
      i32.const 65554
      local.get $p0
      i32.const 3
      i32.add
      call $env.interpret
      if $I45
        local.get $p0
        i32.const 4
        i32.add
        return
      end
    end
    i32.const 4194304
    i32.load
    local.set $l64
    local.get $l64
    local.set $l65
    local.get $l65
    i32.const 1
    i32.add
    local.set $l66
    i32.const 4194348
    i32.const 0
    i32.store
    i32.const 4194356
    local.get $l65
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l66
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2261
    i32.store
    local.get $l66
    local.set $l64
    i32.const 4194308
    i32.load
    local.set $l67
    local.get $l67
    local.set $l68
    local.get $l68
    i32.const 1
    i32.sub
    local.set $l69
    local.get $l66
    local.get $l65
    i32.lt_u
    local.set $l70
    i32.const 4194340
    i32.const 4194340
    i32.load
    i32.const -2
    i32.and
    local.get $l70
    i32.or
    i32.store
    i32.const 4194348
    i32.const 1
    i32.store
    i32.const 4194356
    local.get $l68
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l69
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2260
    i32.store
    local.get $l69
    local.set $l67
    local.get $l69
    i32.eqz
    local.set $l71
    local.get $l71
    i32.eqz
    local.set $l72
    local.get $l72
    if $I46
      i32.const 4194304
      local.get $l64
      i32.store
      i32.const 4194308
      local.get $l67
      i32.store
      local.get $p0
      i32.const 7
      i32.add
      local.set $l73
      local.get $l73
      i32.const 12648448
      i32.load
      i32.le_s
      if $I47
        i32.const 12648520
        i32.load
        local.tee $l74
        if $I48
          local.get $l73
          local.get $l74
          return_call_indirect (type $t0)
        end
      end
      i32.const 4194336
      i32.const 65546
      i32.store
      local.get $l73
      return
    end
    i32.const 4194304
    local.get $l64
    i32.store
    i32.const 4194308
    local.get $l67
    i32.store
    local.get $p0
    i32.const 7
    i32.add
    local.set $l75
    local.get $l75
    i32.const 12648448
    i32.load
    i32.le_s
    if $I49
      i32.const 12648524
      i32.load
      local.tee $l76
      if $I50
        local.get $l75
        local.get $l76
        return_call_indirect (type $t0)
      end
    end
    i32.const 4194336
    i32.const 65567
    i32.store
    local.get $l75
    return)
  (export "b0" (func $b0)))
