#version 130
// Terrain: rock or grass from the vertex colour, broken up by a detail texture at two
// scales, and snow above the snowline where the ground is flat enough to hold it.
// Light and fog come per vertex (lit.vert.glsl): the mesh is fine enough for that, and
// each pixel only pays for two texture lookups and a few mixes.
#include "common.glsl"
uniform sampler2D p3d_Texture0;   // grey detail noise, tiling
uniform vec4 p3d_ColorScale;
uniform vec4 u_terrain;           // x: snowline (world z), y: snowline blend (m)
in vec3 v_world;
in vec3 v_normal;
in vec4 v_color;
in vec2 v_uv;
in vec3 v_cam;
in vec3 v_light;
in float v_fog;
out vec4 o_color;

void main() {
    float nz = normalize(v_normal).z;
    // fine detail projected from above (on cliffs it streaks down the face)
    float fine = texture(p3d_Texture0, v_world.xy / 9.0).r;
    // a rotated, non-repeating-looking second scale so the tiling does not show from afar
    vec2 rot = mat2(0.8, -0.6, 0.6, 0.8) * v_world.xy;
    // projected from above: on steep faces it runs down the slope like gullies
    float coarse = texture(p3d_Texture0, rot / 131.0 + vec2(0.37, 0.11)).r;
    float shade = v_uv.x;   // baked cavity: gullies darker, ridges lighter
    vec3 base = v_color.rgb * ((0.72 + 0.38 * fine) * (0.85 + 0.3 * coarse) * shade);
    // steep faces show bare, darker rock, with strata that give big walls their scale
    float steep = smoothstep(0.8, 0.55, nz + (fine - 0.5) * 0.1);
    float strata = 0.92 + 0.08 * sin(v_world.z * 0.03 + coarse * 4.0);
    vec3 rock = vec3(0.36, 0.34, 0.32) * ((0.45 + 0.5 * fine + 0.5 * coarse) * shade * strata);
    base = mix(base, rock, steep * 0.75);
    // fine noise breaks the snow's edges up close; far away (where it averages out) it fades
    float near = 1.0 - smoothstep(150.0, 600.0, length(v_cam - v_world));
    fine = mix(0.5, fine, near);
    float line = u_terrain.x + (coarse - 0.5) * 4.0 * u_terrain.y + (fine - 0.5) * u_terrain.y;
    float snow = smoothstep(line - u_terrain.y, line + u_terrain.y, v_world.z);
    // snow holds on gentle slopes, streaks down steeper ones, and leaves cliffs bare;
    // high above the snowline snow plasters steeper faces too
    float hold = mix(0.6, 0.25, clamp((v_world.z - u_terrain.x) / 400.0, 0.0, 1.0));
    snow *= smoothstep(hold, hold + 0.2, nz + (fine - 0.5) * 0.3 + (coarse - 0.5) * 0.2);
    snow *= v_color.a;   // less fresh snow on a trodden track
    vec3 snow_color = vec3(0.93, 0.95, 0.98) * ((0.94 + 0.08 * fine) * mix(1.0, shade, 0.6));
    vec3 albedo = mix(base, snow_color, snow) * p3d_ColorScale.rgb;
    o_color = vec4(tone(mix(u_fog_color.rgb, albedo * v_light, exp(-v_fog))), p3d_ColorScale.a);
}
